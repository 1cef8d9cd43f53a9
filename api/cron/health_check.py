"""GET|HEAD /api/cron/health_check: probe, record, evaluate alert rules, notify (CRON_SECRET)."""

from lib.core.http import endpoint
from lib.jobs.health_check import health_check_response

app = endpoint(health_check_response)
