"""The store calls of the drains: ingest, traffic and visitor reads, pruning, privacy facts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ValidationError

from lib.drains.signals import AbuseCandidate, VisitorSignals
from lib.store import Store, StoreError


@dataclass(frozen=True)
class TrafficBatch:
    """One log or trace delivery's aggregated rows, written all-or-nothing."""

    digest: str  # sha256 of the body: a retried delivery is counted once
    kind: str
    records: int
    traffic: list[dict[str, Any]]
    vitals: list[dict[str, Any]]
    requests: dict[str, list[list[Any]]]
    claims: dict[str, list[str]]
    max_routes: int
    max_deployments: int
    idle_days: int

    def params(self) -> dict[str, object]:
        return {f"p_{name}": value for name, value in vars(self).items()}


class IngestAnswer(BaseModel):
    """What an ingest wrote: nothing for a retried delivery (`duplicate`), else its buckets."""

    duplicate: bool
    buckets: int
    vitals: int = 0  # web vitals hour rows (the analytics ingest has none)


class AnalyticsSummary(BaseModel):
    """monitoring_analytics_summary: totals and rankings per dimension, hours and days."""

    first: datetime | None = None
    dimensions: dict[str, Any] | None = None  # {name: {"total", "top": [[value, count]]}}
    hours: list[tuple[datetime, int]] = []
    days: list[tuple[date, int, int]] = []  # (day, visitors, sessions)


def ingest_traffic(store: Store, batch: TrafficBatch) -> IngestAnswer:
    """Write a trace delivery's buckets, vitals and requests in one transaction."""
    return IngestAnswer.model_validate(store.call("monitoring_traffic_ingest", **batch.params()))


def ingest_logs(store: Store, batch: TrafficBatch, edge: list[list[Any]]) -> IngestAnswer:
    """Write a log delivery with its edge security rows in the same transaction."""
    written = store.call("monitoring_log_ingest", p_edge=edge, **batch.params())
    return IngestAnswer.model_validate(written)


def ingest_analytics(
    store: Store,
    digest: str,
    records: int,
    rows: list[list[Any]],
    ids: dict[str, dict[str, list[int]]],
    close_before: date,
) -> IngestAnswer:
    """Write a Web Analytics delivery's hour rows and day ids; days before `close_before` close."""
    written = store.call(
        "monitoring_analytics_ingest",
        p_digest=digest,
        p_records=records,
        p_rows=rows,
        p_ids=ids,
        p_close_before=close_before.isoformat(),
    )
    return IngestAnswer.model_validate(written)


def traffic_summary(
    store: Store, grain: str, first: datetime, last: datetime, deployment: str | None, step_s: int
) -> list[list[Any]]:
    """[by, key, *figures, latency histogram] rows of the buckets of [first, last)."""
    return list(
        store.call(
            "monitoring_traffic_summary",
            p_grain=grain,
            p_from=first,
            p_to=last,
            p_deployment=deployment,
            p_step_s=step_s,
        )
    )


def web_vitals_histograms(store: Store, first: datetime, last: datetime) -> dict[str, list[float]]:
    """{metric: latency histogram} of the web vitals hour buckets of [first, last)."""
    raw = store.call("monitoring_web_vitals_window", p_from=first, p_to=last)
    return {metric: [float(c) for c in data["hist"]] for metric, data in raw.items()}


def last_received(store: Store) -> dict[str, datetime]:
    """When each drain kind last delivered (within the 1-day retry window of digests)."""
    raw = store.call("monitoring_traffic_last_received")
    return {kind: datetime.fromisoformat(at) for kind, at in raw.items()}


def prune_traffic_minutes(store: Store, before: datetime) -> int:
    """Delete the minute buckets older than `before`; how many went."""
    return int(store.call("monitoring_prune_traffic_minutes", p_before=before))


def visitor_signals(store: Store, now: datetime) -> VisitorSignals:
    """What the security and capacity rules read, in one call."""
    raw = store.call("monitoring_visitor_signals", p_now=now)
    if not isinstance(raw, dict):
        raise StoreError("malformed answer", "monitoring_visitor_signals")
    raw["abuse"] = [
        dict(zip(AbuseCandidate.model_fields, row, strict=True)) for row in raw.get("abuse") or []
    ]
    try:
        return VisitorSignals.model_validate(raw)
    except ValidationError:
        raise StoreError("malformed answer", "monitoring_visitor_signals") from None


def analytics_summary(
    store: Store, start: datetime, end: datetime, top: int, grain: str
) -> AnalyticsSummary:
    """The analytics hours (or UTC days, `grain` "day") of [start, end), summed and ranked."""
    raw = store.call(
        "monitoring_analytics_summary", p_start=start, p_end=end, p_top=top, p_grain=grain
    )
    if not isinstance(raw, dict):
        raise StoreError("malformed answer", "monitoring_analytics_summary")
    try:
        return AnalyticsSummary.model_validate(raw)
    except ValidationError:
        raise StoreError("malformed answer", "monitoring_analytics_summary") from None


def visitor_day(
    store: Store, day: date, start: datetime, end: datetime, close_before: date
) -> dict[str, Any]:
    """{first, page_views, events, visitors, sessions} of one METRICS_TIMEZONE day."""
    raw = store.call(
        "monitoring_visitor_day",
        p_day=day.isoformat(),
        p_start=start,
        p_end=end,
        p_close_before=close_before.isoformat(),
    )
    if not isinstance(raw, dict):
        raise StoreError("malformed answer", "monitoring_visitor_day")
    return raw


def privacy_facts(store: Store) -> dict[str, Any]:
    """What the drains keep of people (edge addresses, page views, visitor hashes)."""
    raw = store.call("monitoring_privacy_facts")
    if not isinstance(raw, dict):
        raise StoreError("malformed answer", "monitoring_privacy_facts")
    return raw
