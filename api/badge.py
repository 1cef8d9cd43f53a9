"""GET|HEAD|OPTIONS /api/badge: shields.io endpoint badge, or an SVG badge with ?format=svg."""

from lib.core.http import endpoint
from lib.endpoints.badge import badge_response

app = endpoint(badge_response, methods=("GET", "OPTIONS"), params=("metric", "window", "format"))
