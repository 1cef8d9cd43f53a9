"""GET|POST /api/incidents: incidents and maintenance written by people (HEALTH_TOKEN)."""

from lib.core.http import endpoint
from lib.endpoints.status_incidents import incidents_response

app = endpoint(incidents_response, methods=("GET", "POST"))
