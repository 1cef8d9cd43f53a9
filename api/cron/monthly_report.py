"""GET|HEAD /api/cron/monthly_report: build, store and e-mail last month's report (CRON_SECRET)."""

from lib.core.http import endpoint
from lib.jobs.reports import monthly_report_response

app = endpoint(monthly_report_response)
