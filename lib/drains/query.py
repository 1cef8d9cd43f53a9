"""Traffic over a window from the buckets: totals, rates and percentiles (scaled by sampling)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel

from lib.core.clock import utc_timestamp
from lib.drains import histogram
from lib.store import Store

Grain = Literal["minute", "hour", "day"]
# The coarsest grain whose buckets fit a window: a 30-day window reads ~31 day rows per route,
# not 43,200 minute rows. Windows are widened to whole grains (documented in docs/traffic.md).
_GRAIN_UP_TO: tuple[tuple[timedelta, Grain], ...] = (
    (timedelta(hours=6), "minute"),
    (timedelta(days=8), "hour"),
)
_GRAIN_SIZE = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}


class WindowStats(BaseModel):
    """Traffic of one window; rates and percentiles are None without requests or durations."""

    requests: float
    requests_4xx: float
    errors: float  # 5xx + crashes
    crashes: float
    timed: float  # requests with a duration (trace drain)
    error_rate_pct: float | None
    avg_ms: float | None
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    bytes: float
    cache_hit_pct: float | None

    @classmethod
    def of(cls, raw: dict[str, Any], sampling: float) -> WindowStats:
        scale = 1 / sampling
        requests = float(raw.get("requests") or 0)
        errors = float(raw.get("status_5xx") or 0) + float(raw.get("crashes") or 0)
        timed = float(raw.get("timed") or 0)
        latency = [float(c) for c in raw.get("latency") or []]
        return cls(
            requests=requests * scale,
            requests_4xx=float(raw.get("status_4xx") or 0) * scale,
            errors=errors * scale,
            crashes=float(raw.get("crashes") or 0) * scale,
            timed=timed * scale,
            error_rate_pct=round(100 * errors / requests, 3) if requests else None,
            avg_ms=round(float(raw.get("duration_ms") or 0) / timed, 1) if timed else None,
            p50_ms=_rounded(histogram.quantile(latency, 0.50)),
            p95_ms=_rounded(histogram.quantile(latency, 0.95)),
            p99_ms=_rounded(histogram.quantile(latency, 0.99)),
            bytes=float(raw.get("bytes") or 0) * scale,
            cache_hit_pct=(
                round(100 * float(raw.get("cache_hits") or 0) / requests, 2) if requests else None
            ),
        )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def grain_for(start: datetime, end: datetime) -> Grain:
    span = end - start
    return next((grain for limit, grain in _GRAIN_UP_TO if span <= limit), "day")


def widen(start: datetime, end: datetime, grain: Grain) -> tuple[datetime, datetime]:
    """[start, end) out to whole buckets of the grain (UTC)."""
    size = _GRAIN_SIZE[grain]
    epoch = datetime(1970, 1, 1, tzinfo=start.tzinfo)
    first = epoch + ((start - epoch) // size) * size
    last = epoch + -((epoch - end) // size) * size
    return first, last


_FIELDS = ("requests", "status_4xx", "status_5xx", "crashes", "bytes", "cache_hits", "timed",
           "duration_ms")  # fmt: skip
By = Literal["all", "route", "deployment", "time"]


def groups(
    store: Store,
    start: datetime,
    end: datetime,
    by: By | tuple[By, ...],
    sampling: float = 1.0,
    step: timedelta | None = None,
    deployment: str | None = None,
    grain: Grain | None = None,
) -> dict[str, WindowStats] | dict[By, dict[str, WindowStats]]:
    """The window's buckets summed per group key; several groupings from one store call."""
    grain = grain or grain_for(start, end)
    first, last = widen(start, end, grain)
    rows = store.call(
        "monitoring_traffic_rows", p_grain=grain, p_from=first, p_to=last, p_deployment=deployment
    )
    rows = [[*row[:-1], _counts(row[-1])] for row in rows]  # each histogram parsed once
    step_s = int((step or _GRAIN_SIZE[grain]).total_seconds())
    wanted = (by,) if isinstance(by, str) else by
    found = {b: _sum_by(rows, b, step_s, sampling) for b in wanted}
    return found[by] if isinstance(by, str) else found  # type: ignore[index,return-value]


def _counts(latency: str | list[int]) -> list[int]:
    """A histogram as the store sends it: the array's text form `{1,0,3}` (or a JSON list)."""
    if isinstance(latency, list):
        return latency
    inner = latency.strip("{}")
    return list(map(int, inner.split(","))) if inner else []


def _sum_by(rows: list[list[Any]], by: By, step_s: int, sampling: float) -> dict[str, WindowStats]:
    sums: dict[str, dict[str, Any]] = {}
    for at, deployment, route, *figures, latency in rows:
        if by == "route":
            key = route
        elif by == "deployment":
            key = deployment
        elif by == "time":
            key = utc_timestamp(datetime.fromtimestamp(at - at % step_s, UTC))
        else:
            key = "all"
        into = sums.get(key)
        if into is None:
            into = sums[key] = {name: 0 for name in _FIELDS} | {"latency": histogram.empty()}
        for name, value in zip(_FIELDS, figures, strict=True):
            into[name] += value
        histogram.add(into["latency"], latency)
    return {key: WindowStats.of(raw, sampling) for key, raw in sorted(sums.items())}


def window_stats(
    store: Store,
    start: datetime,
    end: datetime,
    deployment: str | None = None,
    sampling: float = 1.0,
    grain: Grain | None = None,
) -> WindowStats:
    """Totals of [start, end) (zero requests: counts 0, rates None)."""
    found = groups(store, start, end, "all", sampling, deployment=deployment, grain=grain)
    return found.get("all") or WindowStats.of({}, sampling)  # type: ignore[return-value]


def web_vitals_p75(store: Store, start: datetime, end: datetime) -> dict[str, float]:
    """p75 per metric of [start, end) (hour buckets); CLS back to its own unit."""
    first, last = widen(start, end, "hour")
    raw = store.call("monitoring_web_vitals_window", p_from=first, p_to=last)
    found = {}
    for metric, data in raw.items():
        value = histogram.quantile([float(c) for c in data["hist"]], 0.75)
        if value is not None:
            found[metric] = round(value / 1000, 3) if metric == "CLS" else round(value, 1)
    return found


def last_received(store: Store) -> dict[str, datetime]:
    """When each drain kind last delivered (within the 1-day retry window of digests)."""
    raw = store.call("monitoring_traffic_last_received")
    return {kind: datetime.fromisoformat(at) for kind, at in raw.items()}
