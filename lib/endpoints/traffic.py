"""GET /api/traffic?window=1h|24h|7d|30d: CarBot's own traffic from the drain buckets (token)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel

from lib.core.http import HttpError, Request, Response, echo, json_response, require_token
from lib.core.safe_text import plain
from lib.drains.query import Grain, WindowStats, groups, widen
from lib.drains.routes import MAX_LENGTH as ROUTE_LIMIT
from lib.store import Store, StoreError

TOP = 10
# A route group is ranked by p95 from this many timed requests: one slow call to a rarely used
# route is not the slowest route.
P95_MIN_TIMED = 20
# window → (length, grain, series step): about 24-60 points a chart.
WINDOWS: dict[str, tuple[timedelta, Grain, timedelta]] = {
    "1h": (timedelta(hours=1), "minute", timedelta(minutes=1)),
    "24h": (timedelta(hours=24), "hour", timedelta(hours=1)),
    "7d": (timedelta(days=7), "hour", timedelta(hours=6)),
    "30d": (timedelta(days=30), "day", timedelta(days=1)),
}


class Keyed(WindowStats):
    key: str


class TopRoutes(BaseModel):
    by_requests: list[Keyed]
    by_errors: list[Keyed]
    by_p95: list[Keyed]


class TrafficBody(BaseModel):
    """Totals, a series at the window's step, the top route groups, and each deployment."""

    window: Literal["1h", "24h", "7d", "30d"]
    start: datetime
    end: datetime
    step_s: int
    sampling: float
    totals: WindowStats
    series: list[Keyed]
    routes: TopRoutes
    deployments: list[Keyed]


def _keyed(found: dict[str, WindowStats]) -> list[Keyed]:
    # Route keys are request paths from outside: a bidi override or control character stored
    # before the drains cleaned them is shown as U+FFFD, never as it is (lib/core/safe_text.py).
    return [
        Keyed(key=plain(key, ROUTE_LIMIT), **stats.model_dump()) for key, stats in found.items()
    ]


def traffic_response(request: Request) -> Response:
    require_token(request)
    name = request.query.get("window", "24h")
    if name not in WINDOWS:
        raise HttpError(400, f"window must be one of {', '.join(WINDOWS)}, got {echo(name)}")
    length, grain, step = WINDOWS[name]
    end = datetime.now(UTC)
    start, end = widen(end - length, end, grain)
    sampling = request.settings.vercel_drain_sampling
    try:
        with Store.from_settings(request.settings, timeout=8.0) as store:
            per = groups(store, start, end, sampling, step, grain=grain)
    except StoreError as error:
        raise HttpError(503, f"store unavailable: {error.reason}") from None
    routes = _keyed(per["route"])
    body = TrafficBody(
        window=name,  # type: ignore[arg-type]
        start=start,
        end=end,
        step_s=int(step.total_seconds()),
        sampling=sampling,
        totals=per["all"].get("all") or WindowStats.of({}, sampling),
        series=_keyed(per["time"]),
        routes=TopRoutes(
            by_requests=sorted(routes, key=lambda r: -r.requests)[:TOP],
            by_errors=sorted((r for r in routes if r.errors), key=lambda r: -r.errors)[:TOP],
            by_p95=sorted(
                (r for r in routes if r.p95_ms and r.timed >= P95_MIN_TIMED),
                key=lambda r: -(r.p95_ms or 0),
            )[:TOP],
        ),
        deployments=sorted(_keyed(per["deployment"]), key=lambda r: -r.requests),
    )
    return json_response(body)
