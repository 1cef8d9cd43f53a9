"""GET|HEAD|OPTIONS /api/status: public status summary from stored history (never probes)."""

from lib.http import endpoint
from lib.status import status_response

app = endpoint(status_response, methods=("GET", "OPTIONS"))
