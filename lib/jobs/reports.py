"""GET /api/cron/weekly_report and /api/cron/monthly_report: build, store, e-mail once.

Vercel cron schedules are UTC. 06:00 Europe/Berlin is 05:00 UTC in winter and 04:00 UTC in
summer, so vercel.json schedules both hours; the run that comes before 06:00 local on the due
day does nothing, the other one delivers (and the second run of a day retries a failed send).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from lib.core.http import HttpError, Request
from lib.core.monitor_config import load_monitor_config
from lib.jobs import cron_endpoint
from lib.reports import periods
from lib.reports.delivery import deliver, summary
from lib.reports.periods import Kind, PeriodError
from lib.store import Store

SEND_HOUR = 6  # local time in METRICS_TIMEZONE
PARAM: dict[Kind, str] = {"weekly": "week", "monthly": "month"}


def requested(request: Request, kind: Kind, now: datetime) -> periods.Period | None:
    """`?week=` / `?month=`: one past period on purpose (400 for a bad or unfinished one)."""
    value = request.query.get(PARAM[kind])
    if value is None:
        return None
    try:
        return periods.parse(kind, value, request.settings.metrics_timezone, now)
    except PeriodError as error:
        raise HttpError(400, str(error)) from None


def parse_send(request: Request) -> bool:
    value = request.query.get("send", "true").lower()
    if value not in ("true", "false"):
        raise HttpError(400, "send must be true or false")
    return value == "true"


def too_early(kind: Kind, now: datetime, zone: Any) -> bool:
    """On the due day (Monday / the 1st), before 06:00 local: the other scheduled run delivers."""
    local = now.astimezone(zone)
    due = local.weekday() == 0 if kind == "weekly" else local.day == 1
    return due and local.hour < SEND_HOUR


def report_job(kind: Kind) -> Any:
    def run(request: Request, store: Store) -> dict[str, Any]:
        settings = request.settings
        now = datetime.now(UTC)
        chosen = requested(request, kind, now)
        send = parse_send(request)
        zone = settings.metrics_timezone
        if chosen is None and too_early(kind, now, zone):
            return {"skipped": f"before {SEND_HOUR:02d}:00 {zone.key}; the next run delivers"}
        period = chosen or periods.latest(kind, zone, now)
        config = load_monitor_config(settings)
        result = deliver(
            store, settings, config, period, now, rebuild=chosen is not None, send=send
        )
        if result.failed:
            reasons = "; ".join(f"{s.period}: {s.error}" for s in result.failed)
            raise HttpError(502, f"report stored, e-mail failed ({reasons}); the next run retries")
        return summary(result)

    def validate(request: Request) -> None:
        requested(request, kind, datetime.now(UTC))
        parse_send(request)

    return cron_endpoint(f"{kind}_report", run, validate)


weekly_report_response = report_job("weekly")
monthly_report_response = report_job("monthly")
