"""POST /api/alerts/{key}/ack|unack (vercel.json rewrites it here): acknowledge (HEALTH_TOKEN)."""

from lib.core.http import endpoint
from lib.endpoints.alert_ack import alert_action_response

app = endpoint(alert_action_response, methods=("POST",), params=("key", "action"))
