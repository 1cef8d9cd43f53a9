"""A delivery's records summed in memory into per-minute buckets (one store call writes them)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lib.drains import histogram
from lib.drains.records import (
    Kind,
    LogRecord,
    OtlpTraces,
    SpeedInsight,
    attributes,
    log_record,
    speed_insight,
    traces,
)

# Path segments that are ids, not routes: numbers, UUIDs, long hex or long mixed tokens.
_ID = re.compile(
    r"^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{12,}"
    r"|(?=[A-Za-z0-9_-]{16,}$)(?=.*\d)[A-Za-z0-9_-]+)$",
    re.IGNORECASE,
)
CACHE_HITS = frozenset({"HIT", "STALE", "PRERENDER"})
VITALS = frozenset({"LCP", "INP", "CLS", "FCP", "TTFB", "FID"})
# OTLP resource/span attributes that carry the deployment and the route, in order of preference.
_DEPLOYMENT_KEYS = ("vercel.deploymentId", "vercel.deployment_id", "deployment.id")
_ROUTE_KEYS = ("http.route", "url.path", "http.target")


def route_group(path: str | None) -> str:
    """`/api/leads/123?x=1` → `/api/leads/:id`; at most 200 characters."""
    path = (path or "/").split("?", 1)[0].split("#", 1)[0] or "/"
    segments = [":id" if _ID.match(s) else s for s in path.split("/")]
    return "/".join(segments)[:200] or "/"


def _minute(epoch_ms: float) -> str:
    moment = datetime.fromtimestamp(epoch_ms / 1000, UTC).replace(second=0, microsecond=0)
    return moment.isoformat()


@dataclass
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
    traffic: dict[tuple[str, str, str], TrafficBucket] = field(default_factory=dict)
    vitals: dict[tuple[str, str, str], VitalBucket] = field(default_factory=dict)

    def bucket(self, epoch_ms: float, deployment: str | None, path: str | None) -> TrafficBucket:
        key = (_minute(epoch_ms), (deployment or "")[:64], route_group(path))
        found = self.traffic.get(key)
        if found is None:
            found = self.traffic[key] = TrafficBucket()
        return found

    def add_log(self, record: LogRecord) -> None:
        if record.statusCode == -1 and record.source == "lambda":
            self.bucket(record.timestamp, record.deploymentId, _path(record)).crashes += 1
        proxy = record.proxy
        # proxy.statusCode -1 is a background revalidation, not a visitor's request.
        if proxy is None or proxy.statusCode is None or proxy.statusCode < 0:
            if record.statusCode != -1:
                self.skipped += 1
            return
        bucket = self.bucket(proxy.timestamp or record.timestamp, record.deploymentId, proxy.path)
        bucket.requests += 1
        status_class = proxy.statusCode // 100
        if 2 <= status_class <= 5:
            name = f"status_{status_class}xx"
            setattr(bucket, name, getattr(bucket, name) + 1)
        bucket.bytes += max(0, proxy.responseByteSize or 0)
        bucket.cache_hits += (proxy.vercelCache or "").upper() in CACHE_HITS

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
        return [
            {"minute": m, "deployment": d, "route": r, **vars(b)}
            for (m, d, r), b in sorted(self.traffic.items())
        ]

    def vital_rows(self) -> list[dict[str, Any]]:
        return [
            {"minute": m, "metric": metric, "route": r, "samples": b.samples, "hist": b.hist}
            for (m, metric, r), b in sorted(self.vitals.items())
        ]


def _path(record: LogRecord) -> str | None:
    return record.proxy.path if record.proxy is not None else None


def aggregate(kind: Kind, raw: Iterable[dict[str, Any]]) -> Delivery:
    """Every record of a delivery into buckets; records of unknown shape are counted, skipped."""
    delivery = Delivery(kind)
    for item in raw:
        if kind == "trace":
            delivery.add_traces(traces(item))
            continue
        delivery.records += 1
        if kind == "speed_insights":
            point = speed_insight(item)
            if point is None:
                delivery.skipped += 1
            else:
                delivery.add_vital(point)
            continue
        record = log_record(item)
        if record is None:
            delivery.skipped += 1
        else:
            delivery.add_log(record)
    return delivery
