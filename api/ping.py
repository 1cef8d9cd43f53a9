"""GET|POST|HEAD /api/ping/<token>[/start|/fail|/<code>]: heartbeats (a vercel.json rewrite)."""

from lib.core.http import endpoint
from lib.endpoints.ping import ping_response

app = endpoint(ping_response, methods=("GET", "POST"), params=("path",))
