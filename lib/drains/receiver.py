"""One drain delivery: signature first, then decode, aggregate, and one all-or-nothing write."""

from __future__ import annotations

import hashlib
from typing import Any

from lib import gc_paused
from lib.core.config import Settings
from lib.core.http import HttpError
from lib.core.monitor_config import MonitorConfig
from lib.core.signatures import vercel_signature_valid
from lib.drains.aggregate import aggregate
from lib.drains.records import DrainError, decode, parse
from lib.store import Store


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
    with gc_paused():
        try:
            kind, records = parse(decode(body, content_encoding))
            delivery = aggregate(kind, records)
        except DrainError as error:
            raise HttpError(400, str(error)) from None
        del records  # freed before the store call, not after it
        traffic, vitals = delivery.traffic_rows(), delivery.vital_rows()
    written = store.call(
        "monitoring_traffic_ingest",
        p_digest=hashlib.sha256(body).hexdigest(),
        p_kind=kind,
        p_records=delivery.records,
        p_traffic=traffic,
        p_vitals=vitals,
        p_max_routes=config.traffic.max_routes,
    )
    return {
        "kind": kind,
        "records": delivery.records,
        "skipped": delivery.skipped,
        "skip_reasons": dict(sorted(delivery.reasons.items())),  # docs/traffic.md#skipped-records
        "clamped": dict(sorted(delivery.clamped.items())),
        "duplicate": bool(written["duplicate"]),
        "buckets": int(written["buckets"]) + int(written["vitals"]),
    }
