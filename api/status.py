"""GET|HEAD|OPTIONS /api/status: public status summary from stored history (never probes)."""

from lib.core.http import endpoint
from lib.endpoints.status import status_response

app = endpoint(status_response, methods=("GET", "OPTIONS"))
