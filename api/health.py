"""GET|HEAD /api/health: live system health."""

from lib.health import health_response
from lib.http import endpoint

app = endpoint(health_response)
