"""Probe uptime of a period whose raw checks are pruned, read from the daily rollups instead."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lib.metrics import DayWindow
from lib.metrics.history import CHECKS_KEPT
from lib.reports.figures import Points
from lib.reports.periods import Period


def raw_checks_cover(period: Period, now: datetime) -> bool:
    """Whether every raw check of the period is still stored: the health check cron deletes
    checks older than CHECKS_KEPT, so a period starting before that has lost some or all."""
    return period.start >= now - CHECKS_KEPT


def rollup_uptime(points: Points, period: Period) -> dict[str, Any] | None:
    """The period's daily `uptime_pct`, weighted by the length of each day, and `checks_failed`.

    Checks run at a fixed interval, so a day's share of the period's checks is its share of the
    hours (a 25-hour day weighs 25/24); the number of checks is not kept per day, so it is None.
    """
    values = points.values("uptime_pct", period.days)
    if not values:
        return None
    hours = {day: DayWindow.of(day, period.zone).hours for day in values}
    pct = sum(values[day] * hours[day] for day in values) / sum(hours.values())
    failed = points.total("checks_failed", list(values))
    return {
        "uptime_pct": round(pct, 3),
        "failed": None if failed is None else round(failed),
        "checks": None,
        "source": "daily",
        "days": len(values),
    }
