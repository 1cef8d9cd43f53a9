"""GET|HEAD /api/cron/health_check: probe, record, evaluate alert rules, notify (CRON_SECRET)."""

from lib.alerts.health_check import JOB, run_health_check
from lib.cron import cron_endpoint
from lib.http import endpoint

app = endpoint(cron_endpoint(JOB, run_health_check))
