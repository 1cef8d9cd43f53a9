"""GET|HEAD /api/cron/daily_metrics: yesterday's metrics, settle and backfill (CRON_SECRET)."""

from lib.http import endpoint
from lib.metrics.daily import daily_metrics_response

app = endpoint(daily_metrics_response)
