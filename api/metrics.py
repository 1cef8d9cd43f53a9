"""GET|HEAD /api/metrics?metric=…&days=N: one metric's daily trend (HEALTH_TOKEN)."""

from lib.http import endpoint
from lib.metrics.series import metrics_response

app = endpoint(metrics_response)
