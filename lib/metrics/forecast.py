"""Capacity: a least-squares line through the last 28 days of a daily metric, and when it reaches
its quota or budget (docs/visitors.md "Capacity")."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel

from lib.core.config import Settings

FIT_DAYS = 28
MIN_POINTS = 7  # fewer values: no line worth drawing
WARN_DAYS = 30.0  # the capacity_forecast rule's default threshold
CAPACITY_METRICS = ("db_size_bytes", "storage_bytes", "bandwidth_bytes", "openai_cost_usd")
State = Literal["ok", "warning", "unknown", "not_configured"]


@dataclass(frozen=True)
class Line:
    """y = intercept + slope · x, x in days since `origin`."""

    origin: date
    intercept: float
    slope: float

    def at(self, day: date) -> float:
        return self.intercept + self.slope * (day - self.origin).days


def fit(values: dict[date, float]) -> Line | None:
    """Ordinary least squares over the given days; None for fewer than two."""
    if len(values) < 2:
        return None
    origin = min(values)
    xs = [(d - origin).days for d in values]
    ys = list(values.values())
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    return Line(origin, my - slope * mx, slope)


class CapacityForecast(BaseModel):
    """One metric against its limit; docs/endpoints.md "GET /api/analytics" (`capacity`)."""

    metric: str
    label: str
    unit: str
    current: float | None  # the size now, or what the cycle or month used so far
    limit: float | None
    used_pct: float | None
    per_day: float | None  # the line's growth a day (a size), or its daily value (a flow)
    days_left: float | None  # until the limit; None when it is not reached (this cycle)
    reaches_on: date | None
    state: State
    note: str


def _cycle_start(today: date, day: int) -> date:
    if today.day >= day:
        return today.replace(day=day)
    previous = today.replace(day=1) - timedelta(days=1)
    return previous.replace(day=day)


def _next_cycle(start: date) -> date:
    following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following.replace(day=start.day)


def _size(metric: str, label: str, values: dict[date, float], limit: float | None,
          today: date, warn: float) -> CapacityForecast:  # fmt: skip
    """A stock (database size): where the line crosses the limit."""
    base = CapacityForecast(metric=metric, label=label, unit="bytes", current=None, limit=limit,
                            used_pct=None, per_day=None, days_left=None, reaches_on=None,
                            state="unknown", note="")  # fmt: skip
    window = {d: v for d, v in values.items() if today - timedelta(days=FIT_DAYS) <= d < today}
    if window:
        base.current = window[max(window)]
    if limit is None:
        return base.model_copy(update={"state": "not_configured", "note": "no quota set"})
    if base.current is not None:
        base.used_pct = round(100 * base.current / limit, 2)
    line = fit(window) if len(window) >= MIN_POINTS else None
    if line is None:
        note = f"{len(window)} of the last {FIT_DAYS} days measured (need {MIN_POINTS})"
        return base.model_copy(update={"note": note})
    base.per_day = round(line.slope, 3)
    base.note = f"{len(window)} days fitted"
    if line.slope <= 0:
        return base.model_copy(update={"state": "ok", "note": base.note + "; not growing"})
    crossing = (limit - line.intercept) / line.slope  # in days after line.origin
    left = max(0.0, crossing - (today - line.origin).days)
    base.days_left = round(left, 1)
    base.reaches_on = today + timedelta(days=math.floor(left))
    base.state = "warning" if left < warn else "ok"
    return base


def _flow(metric: str, label: str, unit: str, values: dict[date, float], limit: float | None,
          start: date, today: date, warn: float) -> CapacityForecast:  # fmt: skip
    """A flow with a budget per period (bandwidth per billing cycle, cost per month): the period
    so far, then the line's daily values until the period ends."""
    end = _next_cycle(start)
    used = sum(v for d, v in values.items() if start <= d < today)
    base = CapacityForecast(metric=metric, label=label, unit=unit, current=round(used, 3),
                            limit=limit, used_pct=None, per_day=None, days_left=None,
                            reaches_on=None, state="unknown", note="")  # fmt: skip
    if limit is None:
        return base.model_copy(update={"state": "not_configured", "note": "no quota set"})
    base.used_pct = round(100 * used / limit, 2)
    window = {d: v for d, v in values.items() if today - timedelta(days=FIT_DAYS) <= d < today}
    line = fit(window) if len(window) >= MIN_POINTS else None
    if line is None:
        note = f"{len(window)} of the last {FIT_DAYS} days measured (need {MIN_POINTS})"
        return base.model_copy(update={"note": note})
    base.per_day = round(line.at(today), 3)
    total, day = used, today
    while day < end:
        total += max(0.0, line.at(day))
        if total >= limit:
            left = (day - today).days + 1
            base.days_left, base.reaches_on = float(left), day
            base.state = "warning" if left < warn else "ok"
            base.note = f"reached before the period ends on {end}"
            return base
        day += timedelta(days=1)
    base.state = "ok"
    base.note = f"{100 * total / limit:.0f} % of the limit by {end} (period end)"
    return base


def capacity(
    series: dict[str, dict[date, float]], settings: Settings, today: date, warn: float = WARN_DAYS
) -> list[CapacityForecast]:
    """Every capacity metric (storage_bytes only where a source stores it)."""
    quota = float(settings.db_storage_quota_bytes)
    found = [_size("db_size_bytes", "Database size", series.get("db_size_bytes", {}), quota,
                   today, warn)]  # fmt: skip
    if series.get("storage_bytes"):
        found.append(_size("storage_bytes", "File storage", series["storage_bytes"], quota,
                           today, warn))  # fmt: skip
    gb = settings.vercel_bandwidth_quota_gb
    found.append(
        _flow("bandwidth_bytes", "Bandwidth (billing cycle)", "bytes",
              series.get("bandwidth_bytes", {}), gb * 1e9 if gb else None,
              _cycle_start(today, settings.vercel_billing_cycle_day), today, warn)
    )  # fmt: skip
    found.append(
        _flow("openai_cost_usd", "OpenAI cost (month)", "USD", series.get("openai_cost_usd", {}),
              settings.openai_monthly_budget_usd, today.replace(day=1), today, warn)
    )  # fmt: skip
    return found


def describe(found: CapacityForecast) -> str:
    """ "Database size: 61.2 % of the limit, full in 41 days (2027-01-16); 28 days fitted"."""
    used = f"{found.used_pct:.1f} % of the limit" if found.used_pct is not None else "no figure"
    if found.days_left is None:
        return f"{found.label}: {used}; {found.note}"
    return (
        f"{found.label}: {used}, reaches it in {found.days_left:g} days ({found.reaches_on}); "
        f"{found.note}"
    )
