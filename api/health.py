"""GET|HEAD /api/health: live system health."""

from lib.health import HEALTH_PROBES, health_response
from lib.http import endpoint
from lib.probes import warm_up

warm_up(HEALTH_PROBES)
app = endpoint(health_response)
