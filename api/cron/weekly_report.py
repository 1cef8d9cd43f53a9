"""GET|HEAD /api/cron/weekly_report: build, store and e-mail last week's report (CRON_SECRET)."""

from lib.core.http import endpoint
from lib.jobs.reports import weekly_report_response

app = endpoint(weekly_report_response)
