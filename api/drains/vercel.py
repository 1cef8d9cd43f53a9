"""POST /api/drains/vercel: Vercel drain deliveries (logs, traces, Speed Insights)."""

from lib.core.http import endpoint
from lib.endpoints.drains import drain_response

app = endpoint(drain_response, methods=("POST", "GET"))
