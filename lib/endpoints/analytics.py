"""GET /api/analytics?window=24h|7d|30d: visitors from the Web Analytics drain (token)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel

from lib.core.http import HttpError, Request, Response, echo, json_response, require_token
from lib.core.safe_text import plain
from lib.drains.visitors import Ranked, VisitorDay, window
from lib.metrics.forecast import CAPACITY_METRICS, FIT_DAYS, CapacityForecast, capacity
from lib.store import Store, StoreError

TOP = 10
WINDOWS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}


class AnalyticsBody(BaseModel):
    """docs/endpoints.md "GET /api/analytics"."""

    window: Literal["24h", "7d", "30d"]
    start: datetime
    end: datetime
    receiving: bool  # any Web Analytics drain data stored (else every figure is 0 and absent)
    page_views: int
    custom_events: int
    visitor_days: int  # the days' unique visitors added up: one visitor on two days counts twice
    sessions: int
    hourly_page_views: list[tuple[datetime, int]]
    days: list[VisitorDay]
    top: dict[str, list[Ranked]]
    capacity: list[CapacityForecast]


def analytics_response(request: Request) -> Response:
    require_token(request)
    name = request.query.get("window", "24h")
    if name not in WINDOWS:
        raise HttpError(400, f"window must be one of {', '.join(WINDOWS)}, got {echo(name)}")
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    start = end - WINDOWS[name]
    grain = "hour" if name == "24h" else "day"
    if grain == "day":  # whole UTC days: ~31 rows a value for 30 days, not 720 (docs/endpoints.md)
        start = start.replace(hour=0)
        end = end.replace(hour=0) + timedelta(days=1) if end.hour else end
    try:
        with Store.from_settings(request.settings, timeout=8.0) as store:
            found = window(store, start, end, TOP, grain)
            today = datetime.now(request.settings.metrics_timezone).date()
            raw = store.metric_series_many(
                list(CAPACITY_METRICS), today - timedelta(days=FIT_DAYS + 7), today
            )
    except StoreError as error:
        raise HttpError(503, f"store unavailable: {error.reason}") from None
    first_day: date = start.date()
    days = [d for d in found.days if d.day >= first_day]
    # Values are outside text (paths, referrers, event names): shown through safe_text.
    top = {
        dim: [r.model_copy(update={"key": plain(r.key, 100)}) for r in ranked]
        for dim, ranked in found.top.items()
    }
    body = AnalyticsBody(
        window=name,  # type: ignore[arg-type]  (checked against WINDOWS above)
        start=start,
        end=end,
        receiving=found.first is not None,
        page_views=found.page_views,
        custom_events=found.custom_events,
        visitor_days=sum(d.unique_visitors for d in days),
        sessions=sum(d.sessions for d in days),
        hourly_page_views=found.hourly_page_views,
        days=days,
        top=top,
        capacity=capacity(_series(raw), request.settings, today),
    )
    return json_response(body)


def _series(raw: dict[str, list[dict[str, Any]]]) -> dict[str, dict[date, float]]:
    return {
        metric: {date.fromisoformat(str(p["day"])[:10]): float(p["value"]) for p in points}
        for metric, points in raw.items()
    }
