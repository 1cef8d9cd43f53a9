"""A delivery's records summed in memory into per-minute buckets (one store call writes them)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from lib.core.safe_text import plain
from lib.drains import histogram
from lib.drains.records import (
    Kind,
    LogRecord,
    OtlpTraces,
    SpeedInsight,
    attributes,
    speed_insight,
    traces,
)

# Path segments that are ids, not routes: numbers, UUIDs, long hex, or long tokens with a digit.
_ID_SEGMENT = re.compile(
    r"(?<=/)(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{12,}"
    r"|(?=[A-Za-z0-9_-]{16,}(?:/|$))[A-Za-z_-]*\d[A-Za-z0-9_-]*)(?=/|$)",
    re.IGNORECASE,
)
CACHE_HITS = frozenset({"HIT", "STALE", "PRERENDER"})
VITALS = frozenset({"LCP", "INP", "CLS", "FCP", "TTFB", "FID"})
# OTLP resource/span attributes that carry the deployment and the route, in order of preference.
_DEPLOYMENT_KEYS = ("vercel.deploymentId", "vercel.deployment_id", "deployment.id")
_ROUTE_KEYS = ("http.route", "url.path", "http.target")


ROUTE_LIMIT = 200


@lru_cache(maxsize=4096)
def route_group(path: str | None) -> str:
    """`/api/leads/123?x=1` → `/api/leads/:id`; at most 200 characters."""
    path = (path or "/").split("?", 1)[0].split("#", 1)[0] or "/"
    # A path is outside text: no bidi override or control character reaches a stored key.
    return plain(_ID_SEGMENT.sub(":id", path), ROUTE_LIMIT) or "/"


def _minute(epoch_ms: float) -> int:
    return int(epoch_ms // 60_000)


def _iso(minute: int) -> str:
    return datetime.fromtimestamp(minute * 60, UTC).isoformat()


@dataclass(slots=True)
class TrafficBucket:
    requests: int = 0
    status_2xx: int = 0
    status_3xx: int = 0
    status_4xx: int = 0
    status_5xx: int = 0
    crashes: int = 0
    bytes: int = 0
    cache_hits: int = 0
    timed: int = 0
    duration_ms: float = 0.0
    latency: list[int] = field(default_factory=histogram.empty)


@dataclass
class VitalBucket:
    samples: int = 0
    hist: list[int] = field(default_factory=histogram.empty)


@dataclass
class Delivery:
    """What one delivery adds: buckets keyed (minute, deployment, route), and what was skipped."""

    kind: Kind
    records: int = 0
    skipped: int = 0
    traffic: dict[tuple[int, str, str], TrafficBucket] = field(default_factory=dict)
    vitals: dict[tuple[str, str, str], VitalBucket] = field(default_factory=dict)

    def bucket(self, epoch_ms: float, deployment: str | None, path: str | None) -> TrafficBucket:
        key = (_minute(epoch_ms), (deployment or "")[:64], route_group(path))
        found = self.traffic.get(key)
        if found is None:
            found = self.traffic[key] = TrafficBucket()
        return found

    def add_log(self, record: LogRecord) -> None:
        proxy = record.get("proxy")
        crashed = record.get("statusCode") == -1
        if crashed and record["source"] == "lambda":
            path = proxy.get("path") if proxy else None
            self.bucket(record["timestamp"], record.get("deploymentId"), path).crashes += 1
        status = proxy.get("statusCode") if proxy else None
        # proxy.statusCode -1 is a background revalidation, not a visitor's request.
        if proxy is None or status is None or status < 0:
            if not crashed:
                self.skipped += 1
            return
        at = proxy.get("timestamp") or record["timestamp"]
        bucket = self.bucket(at, record.get("deploymentId"), proxy.get("path"))
        bucket.requests += 1
        if status >= 500:
            bucket.status_5xx += 1
        elif status >= 400:
            bucket.status_4xx += 1
        elif status >= 300:
            bucket.status_3xx += 1
        elif status >= 200:
            bucket.status_2xx += 1
        bucket.bytes += max(0, proxy.get("responseByteSize") or 0)
        bucket.cache_hits += (proxy.get("vercelCache") or "").upper() in CACHE_HITS

    def add_traces(self, document: OtlpTraces) -> None:
        for resource in document.resourceSpans:
            resource_attrs = attributes(resource.resource.attributes)
            for scope in resource.scopeSpans:
                for span in scope.spans:
                    self.records += 1
                    if span.parentSpanId or span.kind not in (None, 0, 2):  # root server spans
                        self.skipped += 1
                        continue
                    attrs = {**resource_attrs, **attributes(span.attributes)}
                    deployment = next((attrs[k] for k in _DEPLOYMENT_KEYS if k in attrs), None)
                    path = next((attrs[k] for k in _ROUTE_KEYS if k in attrs), None)
                    duration = max(0.0, (span.endTimeUnixNano - span.startTimeUnixNano) / 1e6)
                    bucket = self.bucket(span.startTimeUnixNano / 1e6, deployment, path)
                    bucket.timed += 1
                    bucket.duration_ms += duration
                    bucket.latency[histogram.bucket_of(duration)] += 1

    def add_vital(self, point: SpeedInsight) -> None:
        metric = point.metricType.upper()
        if metric not in VITALS:
            self.skipped += 1
            return
        at = datetime.fromisoformat(point.timestamp.replace("Z", "+00:00")).astimezone(UTC)
        minute = at.replace(second=0, microsecond=0).isoformat()
        key = (minute, metric, route_group(point.route or point.path))
        found = self.vitals.get(key)
        if found is None:
            found = self.vitals[key] = VitalBucket()
        found.samples += 1
        value = point.value * 1000 if metric == "CLS" else point.value  # CLS is unitless
        found.hist[histogram.bucket_of(value)] += 1

    def traffic_rows(self) -> list[dict[str, Any]]:
        """One row per grain (minute, hour, UTC day) and bucket: the store only adds them up."""
        rows = []
        for grain, minutes in _GRAINS:
            summed: dict[tuple[int, str, str], TrafficBucket] = {}
            for (minute, deployment, route), bucket in self.traffic.items():
                key = (minute - minute % minutes, deployment, route)
                into = summed.get(key)
                summed[key] = bucket if into is None else _merged(into, bucket)
            rows += [
                {"grain": grain, "at": _iso(at), "deployment": d, "route": r}
                | {name: getattr(b, name) for name in _COUNTS}
                | {"latency": histogram.array_literal(b.latency)}
                for (at, d, r), b in sorted(summed.items())
            ]
        return rows

    def vital_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "minute": m,
                "metric": metric,
                "route": r,
                "samples": b.samples,
                "hist": histogram.array_literal(b.hist),
            }
            for (m, metric, r), b in sorted(self.vitals.items())
        ]


_GRAINS = (("minute", 1), ("hour", 60), ("day", 1440))
# Every figure of a bucket that adds as a number (the histogram adds element by element).
_COUNTS = tuple(f.name for f in fields(TrafficBucket) if f.name != "latency")


def _merged(a: TrafficBucket, b: TrafficBucket) -> TrafficBucket:
    """A new bucket with both counts (the minute buckets stay as they are)."""
    merged = TrafficBucket(latency=histogram.add(list(a.latency), b.latency))
    for name in _COUNTS:
        setattr(merged, name, getattr(a, name) + getattr(b, name))
    return merged


def aggregate(kind: Kind, records: list[Any]) -> Delivery:
    """Every record of a delivery (as parse() gives them) into buckets; records of unknown
    shape are counted and skipped."""
    delivery = Delivery(kind)
    for item in records:
        if kind == "trace":
            delivery.add_traces(traces(item))
            continue
        delivery.records += 1
        point = item if kind == "log" else speed_insight(item)
        if point is None:
            delivery.skipped += 1
        elif kind == "log":
            delivery.add_log(point)
        else:
            delivery.add_vital(point)
    return delivery
