"""GET|HEAD /api/cron/health_check: probe, record, evaluate alert rules, notify (CRON_SECRET)."""

from lib.core.http import endpoint
from lib.jobs import cron_endpoint
from lib.jobs.health_check import JOB, run_health_check

app = endpoint(cron_endpoint(JOB, run_health_check))
