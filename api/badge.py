"""GET|HEAD|OPTIONS /api/badge: shields.io endpoint badge, or an SVG badge with ?format=svg."""

from lib.badge import badge_response
from lib.http import endpoint

app = endpoint(badge_response, methods=("GET", "OPTIONS"))
