"""GET|HEAD /api/analytics: CarBot's visitors, pages, referrers and capacity (HEALTH_TOKEN)."""

from lib.core.http import endpoint
from lib.endpoints.analytics import analytics_response

app = endpoint(analytics_response, params=("window",))
