"""GET|HEAD /api/metrics?metric=…&days=N: one metric's daily trend (HEALTH_TOKEN)."""

from lib.core.http import endpoint
from lib.endpoints.metrics import metrics_response

app = endpoint(metrics_response, params=("metric", "days"))
