"""Visitors over a window (/api/analytics) and per day (daily metrics) from the analytics hours."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from lib.drains.store import analytics_summary
from lib.store import Store

# Dimensions of monitoring_analytics_hours that rank values (page_views and events are totals).
DIMENSIONS = (
    "page",
    "route",
    "referrer",
    "utm_campaign",
    "utm_source",
    "device",
    "browser",
    "os",
    "country",
    "event",
)


class Ranked(BaseModel):
    """One value of a dimension: its count and its share of the dimension's total (%)."""

    key: str
    count: int
    share_pct: float


class VisitorDay(BaseModel):
    day: date
    unique_visitors: int
    sessions: int


class VisitorWindow(BaseModel):
    """What the analytics drain counted in a window; `first` None: nothing received ever."""

    first: datetime | None
    page_views: int
    custom_events: int
    hourly_page_views: list[tuple[datetime, int]]
    days: list[VisitorDay]
    top: dict[str, list[Ranked]]


def window(
    store: Store, start: datetime, end: datetime, top: int, grain: str = "hour"
) -> VisitorWindow:
    """`grain` "day": the rankings from UTC-day rows (start and end on UTC midnights)."""
    raw = analytics_summary(store, start, end, top, grain)
    dims: dict[str, Any] = raw.dimensions or {}

    def total(name: str) -> int:
        return int((dims.get(name) or {}).get("total") or 0)

    ranked = {}
    for name in DIMENSIONS:
        found = dims.get(name) or {}
        whole = int(found.get("total") or 0)
        ranked[name] = [
            Ranked(key=str(k), count=int(n), share_pct=round(100 * int(n) / whole, 2))
            for k, n in found.get("top") or []
            if whole
        ]
    return VisitorWindow(
        first=raw.first,
        page_views=total("page_views"),
        custom_events=total("events"),
        hourly_page_views=raw.hours,
        days=[VisitorDay(day=d, unique_visitors=v, sessions=s) for d, v, s in raw.days],
        top=ranked,
    )
