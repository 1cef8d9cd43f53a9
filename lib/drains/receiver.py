"""One drain delivery: signature first, then decode, aggregate, and one all-or-nothing write."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from lib import gc_paused
from lib.core.config import Settings
from lib.core.http import HttpError
from lib.core.monitor_config import MonitorConfig
from lib.core.signatures import vercel_signature_valid
from lib.drains.aggregate import Delivery, aggregate
from lib.drains.parts import parts
from lib.drains.records import DrainError, decode, parse
from lib.drains.store import TrafficBatch, ingest_analytics, ingest_logs, ingest_traffic
from lib.store import Store

# Records one delivery may hold: a delivery this large is read and stored in ~3-5 s of the
# function's 10 s on a loaded 2-core machine (bench/bench_drains.py; docs/traffic.md "Limits").
MAX_RECORDS = 100_000


def check_signature(settings: Settings, body: bytes, signature: str | None) -> None:
    """403 unless signed with VERCEL_DRAIN_SECRET; unsigned is accepted only in development."""
    secret = settings.vercel_drain_secret
    if secret is None:
        if settings.vercel_env != "development":
            raise HttpError(503, "VERCEL_DRAIN_SECRET is not configured; drains are refused")
        return
    if not vercel_signature_valid(secret.get_secret_value(), body, signature):
        raise HttpError(403, "x-vercel-signature is missing or does not match the body")


def receive(
    settings: Settings,
    config: MonitorConfig,
    store: Store,
    body: bytes,
    content_encoding: str | None,
) -> dict[str, Any]:
    """Aggregate and store one (already authenticated) delivery; a retry is counted once."""
    digest = hashlib.sha256(body).hexdigest()
    with gc_paused():
        try:
            delivery = _aggregated(decode(body, content_encoding))
        except DrainError as error:
            raise HttpError(400, str(error)) from None
        if delivery.kind == "analytics":
            return _store_visits(settings, store, digest, delivery)
        traffic, vitals = delivery.traffic_rows(), delivery.vital_rows()
        requests, claims = delivery.request_rows(), delivery.claims()
        delivery.requests.clear()  # freed before the store call, not after it
        # Log deliveries add their security signals in the same transaction (one call).
        edge = delivery.edge.rows() if delivery.kind == "log" else None
    batch = TrafficBatch(
        digest=digest,
        kind=delivery.kind,
        records=delivery.records,
        traffic=traffic,
        vitals=vitals,
        requests=requests,
        claims=claims,
        max_routes=config.traffic.max_routes,
        max_deployments=config.traffic.max_deployments,
        idle_days=config.traffic.idle_days,
    )
    written = ingest_traffic(store, batch) if edge is None else ingest_logs(store, batch, edge)
    return {
        "kind": delivery.kind,
        "records": delivery.records,
        "skipped": delivery.skipped,
        "skip_reasons": dict(sorted(delivery.reasons.items())),  # docs/traffic.md#skipped-records
        "clamped": dict(sorted(delivery.clamped.items())),
        "duplicate": written.duplicate,
        "buckets": written.buckets + written.vitals,
    }


def _store_visits(
    settings: Settings, store: Store, digest: str, delivery: Delivery
) -> dict[str, Any]:
    """A Web Analytics delivery: hour rows and the day's ids (hashed by the store) in one call."""
    zone = settings.metrics_timezone
    today = datetime.now(zone).date()
    written = ingest_analytics(
        store,
        digest,
        delivery.records,
        delivery.visits.rows(),
        delivery.visits.ids_by_day(zone),
        # Days before yesterday are closed: counted, their hashes and salt thrown away.
        today - timedelta(days=1),
    )
    return {
        "kind": delivery.kind,
        "records": delivery.records,
        "skipped": delivery.skipped,
        "skip_reasons": dict(sorted(delivery.reasons.items())),
        "clamped": {},
        "duplicate": written.duplicate,
        "buckets": written.buckets,
    }


def _aggregated(data: bytes) -> Delivery:
    """The delivery's records aggregated a part at a time (lib/drains/parts.py): memory stays
    bounded by a part and the buckets, and a delivery over MAX_RECORDS is a 413."""
    delivery: Delivery | None = None
    for part in parts(data):
        kind, records = parse(part)
        if delivery is None:
            delivery = Delivery(kind)
        if kind != delivery.kind:  # a part of another kind than the delivery's first records
            delivery.records += len(records)
            delivery.skipped += len(records)
            delivery.reasons["other_kind"] += len(records)
        else:
            aggregate(kind, records, delivery)
        del records
        if delivery.records > MAX_RECORDS:
            raise HttpError(
                413, f"delivery has more than {MAX_RECORDS:,} records (the limit per delivery)"
            )
    return delivery or Delivery("log")
