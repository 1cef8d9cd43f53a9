"""The store's answers as typed rows: checks, uptime, cron jobs, alert rows and events."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel


# Every function imports the store but uses a model or two of it: `defer_build` builds each
# validator on first use instead of in every cold start.
class ServiceUptime(BaseModel, defer_build=True):
    """Uptime and latency of one service (or "overall") over a window."""

    checks: int
    failed: int
    uptime_pct: float | None
    avg_latency_ms: float | None
    p95_latency_ms: float | None


class StoredCheck(BaseModel, defer_build=True):
    """One stored health check."""

    status: str
    latency_ms: int | None
    reason: str | None
    checked_at: datetime


class CronJobStatus(BaseModel, defer_build=True):
    """The last run and last success of one cron job."""

    last_started_at: datetime | None
    last_success_at: datetime | None
    last_outcome: str | None
    last_error: str | None
    abandoned_7d: int = 0  # runs that died `running` (maxDuration, database kill) in 7 days


class NotificationClaim(BaseModel, defer_build=True):
    """monitoring_notification_claims: may this run send now; was it delivered already."""

    claimed: bool
    sent: bool
    attempts: int


class LastNotification(BaseModel, defer_build=True):
    """The latest delivery attempt on one channel (the doctor's "last send succeeded")."""

    sent_at: datetime | None
    error: str | None
    attempted_at: datetime | None = None
    attempts: int = 0
    rule: str | None = None
    event: str | None = None


class AlertRow(BaseModel, defer_build=True):
    """One row of monitoring_alerts; `version` is the compare-and-set token."""

    rule: str
    state: str
    severity: str
    since: datetime
    last_notified_at: datetime | None
    last_value: float | None
    message: str | None
    pending: dict[str, Any] | None
    version: int
    updated_at: datetime
    # Incident response (SPEC §12): who acknowledged the current episode, when; the highest
    # escalation level notified in it (0: none yet).
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    level: int = 0


# The history's words: a notification's event (lib/notify Event) or `silenced` (an episode that
# began without one), and incident response's acknowledged / unacknowledged / escalated.
EventKind = Literal[
    "firing", "reminder", "resolved", "silenced", "acknowledged", "unacknowledged", "escalated"
]


class AlertEvent(BaseModel, defer_build=True):
    """One row of monitoring_alert_events, decided by the engine and written with its transition."""

    kind: EventKind
    at: datetime  # the engine's clock
    episode_start: datetime  # the `since` of the firing episode the event belongs to
    threshold: float | None = None
    actor: str | None = None  # acknowledged/unacknowledged: who
    note: str | None = None
    level: int | None = None  # firing/escalated: the escalation level reached


class DatabaseStats(BaseModel, defer_build=True):
    """What monitoring_database_stats() observes."""

    connection_count: int
    max_connections: int
    storage_bytes: int
    pg_stat_statements: bool
    slow_queries: list[dict[str, Any]]
    largest_tables: list[dict[str, Any]]
