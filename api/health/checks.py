"""GET|HEAD /api/health/checks: CarBot's synthetic checks and job heartbeats (token)."""

from lib.core.http import endpoint
from lib.endpoints.synthetic import synthetic_response

app = endpoint(synthetic_response)
