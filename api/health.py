"""GET|HEAD /api/health: live system health."""

from lib.core.http import endpoint
from lib.endpoints.health import health_response
from lib.probes import warm_up
from lib.probes.health import HEALTH_PROBES

warm_up(HEALTH_PROBES)
app = endpoint(health_response)
