"""GET /api/alerts/ack?key&episode&exp&sig: a signed link's confirmation page; POST acknowledges."""

from lib.core.http import endpoint
from lib.endpoints.alert_ack import LINK_PARAMS, ack_page_response

app = endpoint(ack_page_response, methods=("GET", "POST"), params=LINK_PARAMS)
