"""GET|HEAD /api/health/database: database health (HEALTH_TOKEN)."""

from lib.core.http import endpoint
from lib.endpoints.database_health import database_health_response

app = endpoint(database_health_response)
