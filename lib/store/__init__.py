"""The monitor's store: one API over two transports (direct Postgres, Supabase PostgREST RPC)."""

from __future__ import annotations

from datetime import date, datetime
from types import TracebackType
from typing import Any, Self

from lib.core.config import Settings

# Re-exported: callers catch the store's errors as lib.store.StoreError.
from lib.core.errors import StoreError as StoreError
from lib.core.errors import StoreNotConfigured as StoreNotConfigured

# The store's typed rows (lib/store/models.py), re-exported: callers import them from here.
from lib.store.models import AlertEvent as AlertEvent
from lib.store.models import AlertRow as AlertRow
from lib.store.models import CronJobStatus as CronJobStatus
from lib.store.models import DatabaseStats as DatabaseStats
from lib.store.models import EventKind as EventKind
from lib.store.models import LastNotification as LastNotification
from lib.store.models import NotificationClaim as NotificationClaim
from lib.store.models import ServiceUptime as ServiceUptime
from lib.store.models import StoredCheck as StoredCheck

# The transport side (lib/store/transport.py), re-exported: callers import it from here.
from lib.store.transport import STORE_SETTINGS as STORE_SETTINGS
from lib.store.transport import JsonValue as JsonValue
from lib.store.transport import SchemaMissing as SchemaMissing
from lib.store.transport import Transport as Transport
from lib.store.transport import _json_arg
from lib.store.transport import configured as configured
from lib.store.transport import load_driver as load_driver
from lib.store.transport import ping as ping
from lib.store.transport import transport_name as transport_name


class Store:
    """Every store operation, each one SQL function call (so each one is atomic)."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    @classmethod
    def from_settings(cls, settings: Settings, timeout: float = 10.0) -> Store:
        """DATABASE_URL wins over Supabase when both are set."""
        if settings.database_url is not None:
            from lib.store.postgres import PostgresTransport

            return cls(PostgresTransport(settings.database_url.get_secret_value(), timeout))
        if settings.supabase_configured:
            from lib.store.supabase import SupabaseTransport

            return cls(SupabaseTransport(settings, timeout))
        raise StoreNotConfigured("no store configured (set DATABASE_URL or SUPABASE_URL + key)")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.transport.close()

    def call(self, function: str, **params: object) -> JsonValue:
        return self.transport.call(function, {k: _json_arg(v) for k, v in params.items()})

    def ping(self) -> None:
        self.call("monitoring_ping")

    def record_checks(self, checks: list[dict[str, Any]]) -> int:
        """checks: [{service, status (ok|degraded|down), latency_ms, reason, checked_at?}]."""
        return int(self.call("monitoring_record_checks", p_checks=checks))

    def upsert_daily_metrics(self, rows: list[dict[str, Any]]) -> int:
        """rows: [{"day", "metric", "value", "unit"}], written all-or-nothing."""
        return int(self.call("monitoring_upsert_daily_metrics", p_rows=rows))

    def metric_days(self, first: date, last: date) -> list[date]:
        days = self.call("monitoring_metric_days", p_from=first, p_to=last)
        return [date.fromisoformat(d) for d in days]

    def metric_series(self, metric: str, first: date, last: date) -> list[dict[str, Any]]:
        return list(self.call("monitoring_metric_series", p_metric=metric, p_from=first, p_to=last))

    def metric_series_many(
        self, metrics: list[str], first: date, last: date
    ) -> dict[str, list[dict[str, Any]]]:
        """{"metric": [{"day", "value"}]} in one call; metrics without a row are absent."""
        raw = self.call("monitoring_metric_series_many", p_metrics=metrics, p_from=first, p_to=last)
        return {metric: list(points) for metric, points in raw.items()}

    def console_facts(self) -> dict[str, Any]:
        """{"pg_stat_statements": bool, "migrations": [version] | None} for the setup doctor."""
        return dict(self.call("monitoring_console_facts"))

    def metrics_of_day(self, day: date) -> dict[str, float]:
        return dict(self.call("monitoring_metrics_of_day", p_day=day))

    def uptime(self, start: datetime, end: datetime) -> dict[str, ServiceUptime]:
        """Per service and "overall"; services without checks in the window are absent."""
        raw = self.call("monitoring_uptime", p_from=start, p_to=end)
        return {name: ServiceUptime.model_validate(v) for name, v in raw.items()}

    def latest_checks(self) -> dict[str, StoredCheck]:
        raw = self.call("monitoring_latest_checks")
        return {name: StoredCheck.model_validate(v) for name, v in raw.items()}

    def checks_since(self, service: str, since: datetime) -> list[StoredCheck]:
        raw = self.call("monitoring_checks_since", p_service=service, p_since=since)
        return [StoredCheck.model_validate(v) for v in raw]

    def down_since(self, service: str) -> datetime | None:
        """Start of the current unbroken failure streak, or None when the service is not down."""
        raw = self.call("monitoring_down_since", p_service=service)
        return datetime.fromisoformat(raw) if raw else None

    def last_check_before(self, before: datetime) -> datetime | None:
        """When the newest check before `before` was recorded (any service); None: never."""
        raw = self.call("monitoring_last_check_before", p_before=before)
        return datetime.fromisoformat(raw) if raw else None

    def prune_checks(self, before: datetime) -> int:
        return int(self.call("monitoring_prune_checks", p_before=before))

    def alerts(self) -> dict[str, AlertRow]:
        return {r["rule"]: AlertRow.model_validate(r) for r in self.call("monitoring_alerts_list")}

    def alert_episodes(self, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """Episodes that overlapped [start, end), newest first, as monitoring_alert_episodes
        returns them (lib/reports/history.py types them)."""
        raw = self.call("monitoring_alert_episodes", p_from=start, p_to=end)
        return raw if isinstance(raw, list) else []  # type: ignore[return-value]

    def alert_cas(self, rule: str, expected_version: int, patch: dict[str, Any]) -> AlertRow | None:
        """Compare-and-set without a history event (the delivery queue, seeding a row)."""
        return self.alert_transition(rule, expected_version, patch, None)

    def alert_transition(
        self, rule: str, expected_version: int, patch: dict[str, Any], event: AlertEvent | None
    ) -> AlertRow | None:
        """Compare-and-set the row and insert its event in one statement; expected_version 0
        inserts. None means another run won the race (and no event was written)."""
        raw = self.call(
            "monitoring_alert_transition",
            p_rule=rule,
            p_expected_version=expected_version,
            p_patch=patch,
            p_event=event,
        )
        return AlertRow.model_validate(raw) if raw else None

    def cron_start(self, job: str, max_duration_s: int = 60) -> int:
        """Start a run; the job's runs still `running` after max_duration_s become `abandoned`."""
        return int(self.call("monitoring_cron_start", p_job=job, p_max_duration_s=max_duration_s))

    def cron_finish(
        self, run_id: int, outcome: str, error: str | None = None, summary: object = None
    ) -> None:
        self.call(
            "monitoring_cron_finish",
            p_id=run_id,
            p_outcome=outcome,
            p_error=error,
            p_summary=summary,
        )

    def cron_status(self) -> dict[str, CronJobStatus]:
        raw = self.call("monitoring_cron_status")
        return {job: CronJobStatus.model_validate(v) for job, v in raw.items()}

    def notification_claim(
        self, notification_id: str, channel: str, rule: str, event: str, now: datetime, lease_s: int
    ) -> NotificationClaim:
        """Claim one notification on one channel before sending (notification_claims)."""
        item = {"id": notification_id, "rule": rule, "event": event}
        return self.notification_claims([item], channel, now, lease_s)[notification_id]

    def notification_claims(
        self, items: list[dict[str, str]], channel: str, now: datetime, lease_s: int
    ) -> dict[str, NotificationClaim]:
        """Claim the notifications ({"id", "rule", "event"}) one update sends on one channel, all
        in one statement: of two overlapping runs the first takes them all, the other none."""
        raw = self.call(
            "monitoring_notification_claims",
            p_items=items,
            p_channel=channel,
            p_now=now,
            p_lease_s=lease_s,
        )
        return {key: NotificationClaim.model_validate(value) for key, value in raw.items()}

    def notification_done(
        self, notification_id: str, channel: str, now: datetime, error: str | None
    ) -> None:
        """Record a claimed send: delivered (error None) or failed; releases the claim."""
        self.call(
            "monitoring_notification_done",
            p_id=notification_id,
            p_channel=channel,
            p_now=now,
            p_error=error,
        )

    def last_notification(self, channel: str) -> LastNotification | None:
        """The latest attempt on `channel` ("email", "webhook"), None when it never sent."""
        raw = self.call("monitoring_notifications_last", p_channel=channel)
        return LastNotification.model_validate(raw) if raw else None

    def prune_notifications(self, before: datetime) -> int:
        return int(self.call("monitoring_prune_notifications", p_before=before))

    def count_rows(
        self,
        table: str,
        column: str,
        start: datetime,
        end: datetime,
        filter_column: str | None = None,
        filter_value: str | None = None,
    ) -> int | None:
        """Rows of a CarBot table in [start, end), counted in SQL; None if the table is missing."""
        raw = self.call(
            "monitoring_count_rows",
            p_table=table,
            p_column=column,
            p_from=start,
            p_to=end,
            p_filter_column=filter_column,
            p_filter_value=filter_value,
        )
        return None if raw is None else int(raw)

    def database_stats(self, slow_ms: float = 2000) -> DatabaseStats:
        return DatabaseStats.model_validate(
            self.call("monitoring_database_stats", p_slow_ms=slow_ms)
        )
