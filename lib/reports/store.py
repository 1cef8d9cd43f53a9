"""The store calls of the reports: stored reports and their send claim, and the facts they read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from lib.core.clock import CLAIM_LEASE
from lib.reports.figures import Points
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
    """Store (or replace) the report of its period; the stored row."""
    return store.call(
        "monitoring_report_save",
        p_kind=report.kind,
        p_period=report.period,
        p_headline=report.headline,
        p_body=report.model_dump(mode="json"),
    )


def load(store: Store, kind: str, period: str | None = None) -> StoredReport | None:
    """The stored report of the period (None: the newest of its kind); None if there is none."""
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
    """Record a claimed send: delivered (`email_id`) or failed (`error`)."""
    store.call(
        "monitoring_report_sent", p_kind=kind, p_period=period, p_email_id=email_id, p_error=error
    )


def unsent(store: Store, kind: str) -> list[str]:
    """The periods of this kind whose report is stored but was never sent."""
    return list(store.call("monitoring_reports_unsent", p_kind=kind))


def daily_metrics(store: Store, first: date, last: date) -> Points:
    """Every daily metric of the days [first, last]."""
    return Points.from_raw(store.call("monitoring_report_metrics", p_from=first, p_to=last))


def probe_uptime(store: Store, windows: list[dict[str, Any]]) -> dict[str, dict[str, Any] | None]:
    """{window key: overall probe uptime from the raw checks} for windows {"key", "from", "to"}."""
    return dict(store.call("monitoring_report_uptime", p_windows=windows))


def cron_runs(store: Store, start: datetime, end: datetime) -> dict[str, dict[str, int]]:
    """{job: {outcome: runs}} of the cron runs started in [start, end)."""
    return dict(store.call("monitoring_report_cron_runs", p_from=start, p_to=end))


def table_counts(store: Store, requests: list[dict[str, Any]]) -> dict[str, int | None]:
    """{key: rows} of CarBot tables per count request (None: the table is missing)."""
    return dict(store.call("monitoring_report_counts", p_counts=requests))


def activity_retention(
    store: Store,
    table: str,
    id_column: str,
    column: str,
    previous_start: datetime,
    start: datetime,
    end: datetime,
) -> dict[str, int] | None:
    """Who was active in [previous_start, start) and again in [start, end); None: no table."""
    return store.call(
        "monitoring_report_retention",
        p_table=table,
        p_id_column=id_column,
        p_column=column,
        p_prev_from=previous_start,
        p_from=start,
        p_to=end,
    )
