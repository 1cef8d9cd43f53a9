"""GET|HEAD /api/health/database: database health (HEALTH_TOKEN)."""

from lib.database_health import database_health_response
from lib.http import endpoint

app = endpoint(database_health_response)
