"""GET|PATCH /api/incidents/{id}: one incident or maintenance; PATCH updates it (HEALTH_TOKEN)."""

from lib.core.http import endpoint
from lib.endpoints.status_incidents import incident_response

app = endpoint(incident_response, methods=("GET", "PATCH"), params=("id",))
