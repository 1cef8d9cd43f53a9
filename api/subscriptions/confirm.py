"""GET|POST /api/subscriptions/confirm?token=: a page with a button; POST confirms."""

from lib.core.http import endpoint
from lib.endpoints.status_subscriptions import confirm_response

app = endpoint(confirm_response, methods=("GET", "POST"), params=("token",))
