"""GET|POST /api/subscriptions/unsubscribe?token=: RFC 8058 one-click POST deletes the row."""

from lib.core.http import endpoint
from lib.endpoints.status_subscriptions import unsubscribe_response

app = endpoint(unsubscribe_response, methods=("GET", "POST"), params=("token",))
