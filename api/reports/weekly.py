"""GET|HEAD /api/reports/weekly?week=YYYY-Www&format=json|md|html|txt (HEALTH_TOKEN)."""

from lib.core.http import endpoint
from lib.endpoints.reports import weekly_response

app = endpoint(weekly_response, params=("week", "format"))
