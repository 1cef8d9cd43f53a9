"""A delivery's records checked before they are counted: poison skipped with its reason, clamped.

Between parse() and Delivery.add_*: records in, clean records and the reasons for the skipped ones
out. Everything that reaches SQL is checked here, so no record's content can make the store
refuse a delivery (a 5xx that Vercel would retry forever): text without NUL or lone surrogates
(PostgreSQL refuses both), times that are numbers inside [now - retention, now + clock skew],
HTTP statuses that are statuses, finite non-negative values. Durations and sizes above the
largest Vercel can produce are clamped to it before they enter any sum (docs/traffic.md#bounds).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from lib.core.clock import CLOCK_SKEW
from lib.drains import otlp
from lib.drains.records import LogRecord, SpeedInsight
from lib.drains.retention import BUCKETS_KEPT  # older buckets are pruned: never counted

# Vercel's longest function duration: 1800 s, the "extended max duration" of Pro and Enterprise
# (https://vercel.com/docs/functions/limitations#max-duration,
# https://vercel.com/docs/functions/configuring-functions/duration#extended-max-duration).
MAX_DURATION_MS = 1_800_000
_MAX_DURATION_NS = MAX_DURATION_MS * 1_000_000
# The largest response: Vercel caps a function's buffered response at 4.5 MB but publishes no cap
# for streamed or static responses; the largest object it documents serving is a 5 TB Vercel Blob
# (https://vercel.com/docs/functions/limitations#request-body-size, @vercel/blob README).
MAX_RESPONSE_BYTES = 5 * 10**12
VITALS = frozenset({"LCP", "INP", "CLS", "FCP", "TTFB", "FID"})


@dataclass(frozen=True, slots=True)
class TimedRequest:
    """A root server span's request: its start (epoch ms), duration (ms), deployment and path."""

    start_ms: float
    duration_ms: float
    deployment: str | None
    path: str | None


@dataclass(frozen=True, slots=True)
class Vital:
    """One Speed Insights data point: its minute (ISO, UTC), metric, page and value."""

    minute: str
    metric: str
    page: str | None
    value: float


@dataclass
class Cleaned[T]:
    """The records that may be counted, and how many were skipped or clamped, by reason."""

    records: list[T] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    clamped: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True, slots=True)
class _Window:
    low_ms: float
    high_ms: float

    @classmethod
    def around(cls, now: datetime) -> _Window:
        return cls((now - BUCKETS_KEPT).timestamp() * 1000, (now + CLOCK_SKEW).timestamp() * 1000)

    def problem(self, epoch_ms: float) -> str | None:
        """Why a time cannot be counted (NaN and ±Infinity included), or None."""
        if self.low_ms <= epoch_ms <= self.high_ms:
            return None
        if epoch_ms < self.low_ms:
            return "too_old"
        return "in_future" if epoch_ms > self.high_ms else "bad_timestamp"


def text_ok(value: str | None) -> bool:
    """PostgreSQL text takes neither NUL nor a lone surrogate (JSON `\\ud800` decodes to one)."""
    if value is None:
        return True
    if "\x00" in value:
        return False
    if value.isascii():
        return True
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _status_ok(status: int | None) -> bool:
    """An HTTP status (100-599), or -1: Vercel's "no response" (crash, background revalidation)."""
    return status is None or status == -1 or 100 <= status <= 599


def logs(records: Iterable[LogRecord | None], now: datetime) -> Cleaned[LogRecord]:
    """Log records as parse() validated them (None: not a log record)."""
    window, cleaned = _Window.around(now), Cleaned[LogRecord]()
    kept, skipped = cleaned.records, cleaned.skipped
    for record in records:
        reason = "malformed" if record is None else _log_problem(record, window, cleaned.clamped)
        if reason is None:
            kept.append(record)  # type: ignore[arg-type]  (None has a reason)
        else:
            skipped[reason] += 1
    return cleaned


def _log_problem(record: LogRecord, window: _Window, clamped: Counter[str]) -> str | None:
    reason = window.problem(record["timestamp"])
    if reason is not None:
        return reason
    if not text_ok(record.get("deploymentId")):
        return "invalid_text"
    if not _status_ok(record.get("statusCode")):
        return "bad_status"
    proxy = record.get("proxy")
    if not proxy:
        return None
    at = proxy.get("timestamp")
    if at and (reason := window.problem(at)) is not None:  # 0 or absent: the record's time
        return reason
    if not _status_ok(proxy.get("statusCode")):
        return "bad_status"
    pattern = record.get("path")  # the function's route (`/dynamic/[route].json`), if any
    if isinstance(pattern, str) and pattern.startswith("/") and "[" in pattern:
        proxy["path"] = pattern  # one route group for the pattern and its concrete paths
    if not text_ok(proxy.get("path")):
        return "invalid_text"
    size = proxy.get("responseByteSize")
    if size is not None and size > MAX_RESPONSE_BYTES:
        proxy["responseByteSize"] = MAX_RESPONSE_BYTES
        clamped["response_bytes"] += 1
    return None


def spans(documents: Iterable[dict[str, Any]], now: datetime) -> Cleaned[TimedRequest]:
    """The root server spans of OTLP/JSON documents as timed requests."""
    window, cleaned = _Window.around(now), Cleaned[TimedRequest]()
    low_ns, high_ns = int(window.low_ms) * 1_000_000, int(window.high_ms) * 1_000_000
    for document in documents:
        if not isinstance(document, dict):  # a line of an NDJSON body that is no object
            cleaned.skipped["malformed_span"] += 1
            continue
        for span in otlp.read(document):
            if isinstance(span, str):
                cleaned.skipped[span] += 1
                continue
            # Compared as integers: a 10^30 ns time must not reach a float conversion.
            if span.start_ns < low_ns or span.start_ns > high_ns:
                cleaned.skipped["too_old" if span.start_ns < low_ns else "in_future"] += 1
                continue
            duration_ns = span.end_ns - span.start_ns
            if duration_ns < 0:
                cleaned.skipped["negative_duration"] += 1
                continue
            if not (text_ok(span.deployment) and text_ok(span.path)):
                cleaned.skipped["invalid_text"] += 1
                continue
            if duration_ns > _MAX_DURATION_NS:
                duration_ns = _MAX_DURATION_NS
                cleaned.clamped["duration"] += 1
            cleaned.records.append(
                TimedRequest(span.start_ns / 1e6, duration_ns / 1e6, span.deployment, span.path)
            )
    return cleaned


def vitals(points: Iterable[dict[str, Any]], now: datetime) -> Cleaned[Vital]:
    """Speed Insights data points (parsed JSON objects)."""
    window, cleaned = _Window.around(now), Cleaned[Vital]()
    for raw in points:
        found = _vital(raw, window)
        if isinstance(found, str):
            cleaned.skipped[found] += 1
        else:
            cleaned.records.append(found)
    return cleaned


def _vital(raw: dict[str, Any], window: _Window) -> Vital | str:
    try:
        point = SpeedInsight.model_validate(raw)
    except ValidationError:
        return "malformed"
    metric = point.metricType.upper()
    if metric not in VITALS:
        return "unknown_metric"
    if not (math.isfinite(point.value) and point.value >= 0):
        return "bad_value"
    at = _epoch_ms(point.timestamp)
    if at is None:
        return "bad_timestamp"
    if (reason := window.problem(at)) is not None:
        return reason
    page = point.route or point.path
    if not text_ok(page):
        return "invalid_text"
    minute = datetime.fromtimestamp(at // 60_000 * 60, UTC).isoformat()
    return Vital(minute, metric, page, point.value)


def _epoch_ms(timestamp: str | float) -> float | None:
    """An ISO 8601 time (documented) or epoch milliseconds; a time without a zone is UTC."""
    if not isinstance(timestamp, str):
        return timestamp
    try:
        at = datetime.fromisoformat(timestamp.strip())
        return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp() * 1000
    except (ValueError, OverflowError):  # not ISO 8601, or out of datetime's range once in UTC
        return None
