"""Stored reports (monitoring_reports, one row per period) and the send claim."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from lib.core.clock import CLAIM_LEASE
from lib.reports.model import Report
from lib.store import Store

# A run that claimed a send and died gives it up after this long (the next run retries).
SEND_LEASE_S = int(CLAIM_LEASE.total_seconds())


class StoredReport(BaseModel):
    kind: str
    period: str
    generated_at: datetime
    headline: str
    body: Report
    sent_at: datetime | None
    email_id: str | None
    send_attempts: int
    send_error: str | None


def save(store: Store, report: Report) -> dict[str, Any]:
    return store.call(
        "monitoring_report_save",
        p_kind=report.kind,
        p_period=report.period,
        p_headline=report.headline,
        p_body=report.model_dump(mode="json"),
    )


def load(store: Store, kind: str, period: str | None = None) -> StoredReport | None:
    raw = store.call("monitoring_report_get", p_kind=kind, p_period=period)
    return StoredReport.model_validate(raw) if raw else None


def claim_send(
    store: Store, kind: str, period: str, force: bool, seen_sent_at: datetime | None = None
) -> bool:
    """True for exactly one caller while the period is unsent, or, with `force`, while it is
    still as sent as the caller saw it (`seen_sent_at`): overlapping resends send once."""
    return bool(
        store.call(
            "monitoring_report_claim_send",
            p_kind=kind,
            p_period=period,
            p_force=force,
            p_lease_s=SEND_LEASE_S,
            p_seen_sent_at=seen_sent_at,
        )
    )


def record_send(
    store: Store, kind: str, period: str, email_id: str | None, error: str | None
) -> None:
    store.call(
        "monitoring_report_sent", p_kind=kind, p_period=period, p_email_id=email_id, p_error=error
    )


def unsent(store: Store, kind: str) -> list[str]:
    return list(store.call("monitoring_reports_unsent", p_kind=kind))
