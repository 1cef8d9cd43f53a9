"""Traffic over a window from the buckets: totals, rates and percentiles (scaled by sampling)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel

from lib.core.clock import utc_timestamp
from lib.drains import histogram
from lib.drains.store import traffic_summary, web_vitals_histograms
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
    errors: float  # failed requests: answered 5xx or crashed, each request once
    requests_5xx: float
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
        errors = float(raw.get("failed") or 0)
        timed = float(raw.get("timed") or 0)
        latency = [float(c) for c in raw.get("latency") or []]
        return cls(
            requests=requests * scale,
            requests_4xx=float(raw.get("status_4xx") or 0) * scale,
            errors=errors * scale,
            requests_5xx=float(raw.get("status_5xx") or 0) * scale,
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
           "duration_ms", "failed")  # fmt: skip
By = Literal["all", "time", "route", "deployment"]


def groups(
    store: Store,
    start: datetime,
    end: datetime,
    sampling: float = 1.0,
    step: timedelta | None = None,
    deployment: str | None = None,
    grain: Grain | None = None,
) -> dict[By, dict[str, WindowStats]]:
    """The window's buckets summed in all, per step, per route and per deployment (one call).

    The database adds the histograms up (monitoring_traffic_summary); "time" keys are the
    steps' starts as UTC timestamps.
    """
    grain = grain or grain_for(start, end)
    first, last = widen(start, end, grain)
    step_s = int((step or _GRAIN_SIZE[grain]).total_seconds())
    rows = traffic_summary(store, grain, first, last, deployment, step_s)
    found: dict[By, dict[str, WindowStats]] = {"all": {}, "time": {}, "route": {}, "deployment": {}}
    for by, key, *figures, latency in sorted(rows, key=_sort_key):
        if by == "time":
            key = utc_timestamp(datetime.fromtimestamp(int(key), UTC))
        raw = dict(zip(_FIELDS, figures, strict=True)) | {"latency": latency}
        found[by][key] = WindowStats.of(raw, sampling)
    return found


def _sort_key(row: list[Any]) -> tuple[int, str]:
    """Steps in time order (their keys are epoch seconds), the other groups by name (each
    grouping fills its own dict, so only the order within one matters)."""
    return (int(row[1]), "") if row[0] == "time" else (0, row[1])


def window_stats(
    store: Store,
    start: datetime,
    end: datetime,
    deployment: str | None = None,
    sampling: float = 1.0,
    grain: Grain | None = None,
) -> WindowStats:
    """Totals of [start, end) (zero requests: counts 0, rates None)."""
    found = groups(store, start, end, sampling, deployment=deployment, grain=grain)["all"]
    return found.get("all") or WindowStats.of({}, sampling)


def web_vitals_p75(store: Store, start: datetime, end: datetime) -> dict[str, float]:
    """p75 per metric of [start, end) (hour buckets); CLS back to its own unit."""
    first, last = widen(start, end, "hour")
    found = {}
    for metric, hist in web_vitals_histograms(store, first, last).items():
        value = histogram.quantile(hist, 0.75)
        if value is not None:
            found[metric] = round(value / 1000, 3) if metric == "CLS" else round(value, 1)
    return found
