"""GET|HEAD /api/reports/monthly?month=YYYY-MM&format=json|md|html|txt (HEALTH_TOKEN)."""

from lib.core.http import endpoint
from lib.endpoints.reports import monthly_response

app = endpoint(monthly_response, params=("month", "format"))
