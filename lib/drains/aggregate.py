"""A delivery's records summed in memory into per-minute buckets (one store call writes them)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from lib.drains import analytics, histogram, sanitize
from lib.drains.edge_security import EdgeSignals
from lib.drains.records import Kind, LogRecord
from lib.drains.requests import CRASHED, FAILED, REQUEST, Seen, request_id, request_rows
from lib.drains.routes import route_group
from lib.drains.sanitize import TimedRequest, Vital

CACHE_HITS = frozenset({"HIT", "STALE", "PRERENDER"})


def _minute(epoch_ms: float) -> int:
    return int(epoch_ms // 60_000)


def _key(epoch_ms: float, deployment: str | None, path: str | None) -> tuple[int, str, str]:
    """A traffic bucket's key: (minute, deployment id, route group)."""
    return (_minute(epoch_ms), (deployment or "")[:64], route_group(path))


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
    failed: int = 0  # requests answered 5xx or crashed, each once
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
    reasons: Counter[str] = field(default_factory=Counter)  # why, for each skipped record
    clamped: Counter[str] = field(default_factory=Counter)  # figures cut to a documented bound
    traffic: dict[tuple[int, str, str], TrafficBucket] = field(default_factory=dict)
    vitals: dict[tuple[str, str, str], VitalBucket] = field(default_factory=dict)
    # Lines with a request id, merged per request: the store counts each request once.
    requests: dict[str, Seen] = field(default_factory=dict)
    # Route groups and deployments that may take a slot (docs/traffic.md "Route groups").
    claimed_routes: set[str] = field(default_factory=set)
    deployments: set[str] = field(default_factory=set)
    edge: EdgeSignals = field(default_factory=EdgeSignals)  # log drain: lib/drains/edge_security
    visits: analytics.Visits = field(default_factory=analytics.Visits)  # Web Analytics drain

    def bucket(self, key: tuple[int, str, str]) -> TrafficBucket:
        found = self.traffic.get(key)
        if found is None:
            found = self.traffic[key] = TrafficBucket()
        return found

    def add_log(self, record: LogRecord) -> None:
        self.edge.add(record)
        proxy = record.get("proxy")
        status = proxy.get("statusCode") if proxy else None
        crashed = record.get("statusCode") == -1 and record["source"] == "lambda"
        # proxy.statusCode -1 is a background revalidation, not a visitor's request.
        if not crashed and (status is None or status < 0):
            self.skipped += 1
            return
        at = (proxy.get("timestamp") if proxy else None) or record["timestamp"]
        path = proxy.get("path") if proxy else None
        seen = Seen(
            _key(at, record.get("deploymentId"), path),
            crashed=crashed,
            background=status is not None and status < 0,
        )
        if proxy and status is not None and status >= 0:
            seen.status = status
            seen.bytes = max(0, proxy.get("responseByteSize") or 0)
            seen.cache_hit = (proxy.get("vercelCache") or "").upper() in CACHE_HITS
        rid = request_id(record)  # type: ignore[arg-type]
        if rid is None:  # a line without a request id is a request of its own, as it always was
            self._count(seen)
            return
        found = self.requests.get(rid)
        if found is None:
            self.requests[rid] = seen
        else:
            found.merge(seen)

    def _count(self, seen: Seen) -> None:
        facts = seen.facts()
        bucket = self.bucket(seen.key)
        bucket.crashes += bool(facts & CRASHED)
        bucket.failed += bool(facts & FAILED)
        self.deployments.add(seen.key[1])
        if seen.claims_slot():
            self.claimed_routes.add(seen.key[2])
        if not facts & REQUEST:
            return
        bucket.requests += 1
        status = seen.status or 0
        if status >= 500:
            bucket.status_5xx += 1
        elif status >= 400:
            bucket.status_4xx += 1
        elif status >= 300:
            bucket.status_3xx += 1
        elif status >= 200:
            bucket.status_2xx += 1
        bucket.bytes += seen.bytes
        bucket.cache_hits += seen.cache_hit

    def add_span(self, span: TimedRequest) -> None:
        """A root server span: the request's duration (counts come from the log drain)."""
        bucket = self.bucket(_key(span.start_ms, span.deployment, span.path))
        bucket.timed += 1
        bucket.duration_ms += span.duration_ms
        bucket.latency[histogram.bucket_of(span.duration_ms)] += 1

    def add_vital(self, point: Vital) -> None:
        key = (point.minute, point.metric, route_group(point.page))
        found = self.vitals.get(key)
        if found is None:
            found = self.vitals[key] = VitalBucket()
        found.samples += 1
        value = point.value * 1000 if point.metric == "CLS" else point.value  # CLS is unitless
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

    def request_rows(self) -> dict[str, list[list[Any]]]:
        """Each request id of the delivery once, with the facts its lines add."""
        return request_rows(self.requests)

    def claims(self) -> dict[str, list[str]]:
        """Route groups and deployments this delivery may give a slot: a route group only for
        a request not answered 4xx, a trace's root span or a Speed Insights page."""
        routes, deployments = set(self.claimed_routes), set(self.deployments)
        for seen in self.requests.values():
            deployments.add(seen.key[1])
            if seen.claims_slot():
                routes.add(seen.key[2])
        for (_, deployment, route), bucket in self.traffic.items():
            deployments.add(deployment)
            if bucket.timed:
                routes.add(route)
        routes.update(route for _, _, route in self.vitals)
        return {"routes": sorted(routes), "deployments": sorted(deployments - {""})}

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


def aggregate(
    kind: Kind, records: list[Any], delivery: Delivery | None = None, now: datetime | None = None
) -> Delivery:
    """Every record of a delivery (as parse() gives them) into buckets (of `delivery`, for a
    delivery read in parts): sanitize.py first skips the poison ones with their reason and clamps
    the rest; a log record that is no request (a build line, a function's output) is skipped as
    `not_a_request`."""
    delivery = delivery or Delivery(kind)
    now = now or datetime.now(UTC)
    if kind == "analytics":
        counted, skipped = analytics.add_events(records, delivery.visits, now)
        delivery.reasons.update(skipped)
        delivery.skipped += skipped.total()
        delivery.records += counted + skipped.total()
        return delivery
    if kind == "log":
        cleaned: sanitize.Cleaned[Any] = sanitize.logs(records, now)
        add: Any = delivery.add_log
    elif kind == "trace":
        cleaned, add = sanitize.spans(records, now), delivery.add_span
    else:
        cleaned, add = sanitize.vitals(records, now), delivery.add_vital
    not_requests = delivery.skipped
    for record in cleaned.records:
        try:
            add(record)
        except (ArithmeticError, ValueError, TypeError):  # sanitize.py missed a case: one record
            cleaned.skipped["unreadable"] += 1
    not_requests = delivery.skipped - not_requests  # add_log's own skips in this part
    if not_requests:
        delivery.reasons["not_a_request"] += not_requests
    delivery.reasons.update(cleaned.skipped)
    delivery.clamped.update(cleaned.clamped)
    delivery.skipped += cleaned.skipped.total()
    delivery.records += len(cleaned.records) + cleaned.skipped.total()
    return delivery
