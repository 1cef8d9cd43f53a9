"""GET|HEAD /api/cron/daily_metrics: yesterday's metrics, settle and backfill (CRON_SECRET)."""

from lib.core.http import endpoint
from lib.jobs.daily_metrics import daily_metrics_response

app = endpoint(daily_metrics_response, params=("day",))
