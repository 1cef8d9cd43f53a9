"""GET|POST /api/subscriptions/preferences?token=: components and language of a subscriber."""

from lib.core.http import endpoint
from lib.endpoints.status_subscriptions import preferences_response

app = endpoint(preferences_response, methods=("GET", "POST"), params=("token",))
