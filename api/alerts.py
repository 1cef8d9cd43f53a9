"""GET|HEAD /api/alerts?days=N: alert episodes for the dashboard timeline (HEALTH_TOKEN)."""

from lib.core.http import endpoint
from lib.endpoints.alerts import alerts_response

app = endpoint(alerts_response, params=("days",))
