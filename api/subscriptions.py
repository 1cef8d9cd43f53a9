"""POST /api/subscriptions: subscribe by e-mail (double opt-in) or, with HEALTH_TOKEN, a webhook."""

from lib.core.http import endpoint
from lib.endpoints.status_subscriptions import subscriptions_response

app = endpoint(subscriptions_response, methods=("POST",))
