"""GET|HEAD /api/metrics?metric=a,b|all&days=N&format=json|csv: daily trends (HEALTH_TOKEN)."""

from lib.core.http import endpoint
from lib.endpoints.metrics import metrics_response

app = endpoint(metrics_response, params=("metric", "days", "format"))
