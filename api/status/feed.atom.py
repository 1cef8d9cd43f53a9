"""GET|HEAD /api/status/feed.atom: Atom feed of published incidents and maintenance."""

from lib.core.http import endpoint
from lib.endpoints.status_feed import feed_response

app = endpoint(feed_response, params=("lang",))
