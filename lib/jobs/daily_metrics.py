"""GET /api/cron/daily_metrics: yesterday (or `?day=`), settle and backfill, then daily rules."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

from lib.alerts.config_state import load_rules
from lib.checks.metrics import SOURCES as CHECK_SOURCES
from lib.core.http import HttpError, Request, echo
from lib.deployments.metrics import SOURCES as DEPLOYMENT_SOURCES
from lib.drains.metrics import SOURCES as TRAFFIC_SOURCES
from lib.jobs import cron_endpoint
from lib.metrics import MetricSource, today
from lib.metrics.runner import plan_days, run_daily_metrics
from lib.metrics.sources import CORE_SOURCES
from lib.platform.metrics import SOURCES as PLATFORM_SOURCES
from lib.store import Store

# Every source the daily run measures; feature packages add their SOURCES tuple here.
SOURCES: tuple[MetricSource, ...] = (
    *CORE_SOURCES,
    *DEPLOYMENT_SOURCES,
    *TRAFFIC_SOURCES,
    *PLATFORM_SOURCES,
    *CHECK_SOURCES,
)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# `?day=` reaches back at most this far: older days call every vendor for nothing (Stripe events
# live 30 days, OpenAI costs a year) and `0001-01-01` overflows the day window's timestamps.
OLDEST_DAY = timedelta(days=730)


def parse_day(value: str | None, zone: Any, now: datetime) -> date | None:
    """`?day=YYYY-MM-DD`: an ended day (metrics time zone) of the last 2 years; else a 400."""
    if value is None:
        return None
    if not value:
        raise HttpError(400, "day is empty; give a date as YYYY-MM-DD or leave day out")
    try:
        if not _DAY.match(value):
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        raise HttpError(400, f"day must be a date as YYYY-MM-DD, got {echo(value)}") from None
    current = today(zone, now)
    if day >= current:
        when = "is in the future" if day > current else "has not ended yet"
        latest = current - timedelta(days=1)
        raise HttpError(400, f"day {day} {when} in {zone.key}; the latest complete day is {latest}")
    oldest = current - OLDEST_DAY
    if day < oldest:
        raise HttpError(400, f"day {day} is too old; the oldest day accepted is {oldest}")
    return day


def daily_metrics_job(request: Request, store: Store) -> dict[str, Any]:
    """The cron's work: yesterday (or `?day=`), settle and backfill, then the JSON summary."""
    settings = request.settings
    zone = settings.metrics_timezone
    now = datetime.now(UTC)
    latest = today(zone, now) - timedelta(days=1)
    requested = parse_day(request.query.get("day"), zone, now)
    days = [requested] if requested is not None else plan_days(store, latest)
    config = load_rules(settings).config  # an invalid file: the default sources, config_invalid
    run = run_daily_metrics(settings, store, config, days, latest, SOURCES)
    summary = run.model_dump(mode="json")
    if any(report.day == latest for report in run.days):
        # The daily alert rules judge yesterday as soon as its metrics are stored.
        from lib.alerts.evaluate import evaluate_daily_rules

        summary["alerts"] = evaluate_daily_rules(store, settings, now)
    return summary


def _check_day(request: Request) -> None:
    parse_day(request.query.get("day"), request.settings.metrics_timezone, datetime.now(UTC))


# GET /api/cron/daily_metrics: the secret first, then a bad `?day=` is a 400 before any run.
daily_metrics_response = cron_endpoint("daily_metrics", daily_metrics_job, validate=_check_day)
