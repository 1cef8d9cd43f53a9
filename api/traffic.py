"""GET|HEAD /api/traffic: CarBot's own traffic over a window (HEALTH_TOKEN)."""

from lib.core.http import endpoint
from lib.endpoints.traffic import traffic_response

app = endpoint(traffic_response, params=("window",))
