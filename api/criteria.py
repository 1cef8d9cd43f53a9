"""GET|HEAD /api/criteria: success criteria, threshold lines and time zone (HEALTH_TOKEN)."""

from lib.core.http import endpoint
from lib.endpoints.criteria import criteria_response

app = endpoint(criteria_response)
