"""One health-check run's store traffic: one read before it writes, one write, and the store as
its rules see it (RunStore: reads answered from that read and from the run's own results)."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from lib.store import AlertEvent, AlertRow, CronJobStatus, JsonValue, Store, StoredCheck

# Statuses a check row may have (monitoring_health_checks); `down` starts or continues a streak.
DOWN = "down"


class RunRead(BaseModel, defer_build=True):
    """monitoring_health_check_read: what the rules of one run need, as of before it writes."""

    alerts: list[AlertRow]
    metrics: dict[date, dict[str, float]]
    checks: dict[str, list[StoredCheck]]  # per service, since `checks_since`
    down_since: dict[str, datetime | None]
    last_check_before: datetime | None
    cron_status: dict[str, CronJobStatus]
    traffic_last_received: dict[str, str]
    provider_statuses: list[dict[str, Any]]
    status_events: list[dict[str, Any]]  # published, touched since `events_since`
    visitor_signals: dict[str, Any]  # monitoring_visitor_signals at `now`


class RunWritten(BaseModel, defer_build=True):
    """monitoring_health_check_write: rows written and pruned."""

    recorded: int
    providers: int | None
    pruned: int
    pruned_notifications: int
    pruned_minutes: int


def read_for_run(
    store: Store, now: datetime, days: list[date], checks_since: datetime, events_since: datetime
) -> RunRead:
    raw = store.call(
        "monitoring_health_check_read",
        p_now=now,
        p_days=days,
        p_checks_since=checks_since,
        p_events_since=events_since,
    )
    return RunRead.model_validate(raw)


def write_run(
    store: Store,
    checks: list[dict[str, Any]],
    providers: list[dict[str, Any]] | None,
    prune_before: datetime,
    minutes_before: datetime,
) -> RunWritten:
    """All or nothing; `providers` None leaves the stored provider statuses as they are."""
    raw = store.call(
        "monitoring_health_check_write",
        p_checks=checks,
        p_providers=providers,
        p_prune_before=prune_before,
        p_minutes_before=minutes_before,
    )
    return RunWritten.model_validate(raw)


class RunStore(Store):
    """The store for one run's rules: what the run's read holds is answered from it, with this
    run's own check rows added (written by the same run, never read back); anything else (a day
    or a window the read did not cover, a rule's own query) goes to the store, memoised."""

    def __init__(
        self,
        store: Store,
        read: RunRead,
        checks_since: datetime,
        checks: list[dict[str, Any]],
        events_since: datetime,
        now: datetime,
    ) -> None:
        super().__init__(store.transport)
        self.inner = store  # every write and every unanswered read goes to it (its subclass too)
        self.read = read
        self._checks_since = checks_since
        self._events_since: datetime | None = events_since  # None: an event was written since
        self._now = now
        self._own = {row["service"]: row for row in checks}
        self._metrics = dict(read.metrics)
        self._memo: dict[tuple[str, str], JsonValue] = {}
        self._alerts: dict[str, AlertRow] | None = {row.rule: row for row in read.alerts}
        # What the stored provider statuses are once this run's refresh is written (set by it).
        self.provider_statuses: list[dict[str, Any]] = list(read.provider_statuses)

    def call(self, function: str, **params: object) -> JsonValue:
        if function == "monitoring_traffic_last_received":
            return dict(self.read.traffic_last_received)
        if function == "monitoring_provider_statuses":
            return list(self.provider_statuses)
        if function == "monitoring_visitor_signals" and params.get("p_now") == self._now:
            return copy.deepcopy(self.read.visitor_signals)
        if function == "monitoring_status_events_since":
            since = self._events_answerable(params)
            if since is not None:
                return [e for e in self.read.status_events if _touched_since(e, since)]
        if function == "monitoring_status_event_put":
            self._events_since = None  # this run changed an event: ask the store from now on
        if function not in _MEMOISED:
            return self.inner.call(function, **params)
        key = (function, repr(sorted(params.items())))
        if key not in self._memo:
            self._memo[key] = self.inner.call(function, **params)
        return self._memo[key]

    def _events_answerable(self, params: dict[str, object]) -> datetime | None:
        """`p_since` when the read holds the answer (published events, asked since no earlier
        than the read's, and no event written by this run), else None."""
        since = params.get("p_since")
        if params.get("p_published_only") is not True or self._events_since is None:
            return None
        return since if isinstance(since, datetime) and since >= self._events_since else None

    def alerts(self) -> dict[str, AlertRow]:
        """The rows as read, with this run's writes; read again after a lost compare-and-set."""
        if self._alerts is None:
            self._alerts = self.inner.alerts()
        return dict(self._alerts)

    def alert_transition(
        self, rule: str, expected_version: int, patch: dict[str, Any], event: AlertEvent | None
    ) -> AlertRow | None:
        return self._written(
            rule, patch, self.inner.alert_transition(rule, expected_version, patch, event)
        )

    def alert_cas(self, rule: str, expected_version: int, patch: dict[str, Any]) -> AlertRow | None:
        return self._written(rule, patch, self.inner.alert_cas(rule, expected_version, patch))

    def _written(self, rule: str, patch: dict[str, Any], row: AlertRow | None) -> AlertRow | None:
        """Keep a won write that queues nothing (a moved value) in the rows; read them again
        after a lost race (another run wrote) or a queued notification (the engine's delivery
        reads the rows again so that overlapping runs' queues go out together)."""
        if row is None or "pending" in patch or self._alerts is None:
            self._alerts = None
        else:
            self._alerts[rule] = row
        return row

    def metrics_of_day(self, day: date) -> dict[str, float]:
        if day not in self._metrics:
            self._metrics[day] = self.inner.metrics_of_day(day)
        return dict(self._metrics[day])

    def metric_series_many(
        self, metrics: list[str], first: date, last: date
    ) -> dict[str, list[dict[str, Any]]]:
        """From the read's days when it holds every day of the window (the health check reads
        the days its rules' series cover), else from the store."""
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        if not all(day in self._metrics for day in days):
            return self.inner.metric_series_many(metrics, first, last)
        return {
            metric: points
            for metric in metrics
            if (
                points := [
                    {"day": day.isoformat(), "value": self._metrics[day][metric]}
                    for day in days
                    if metric in self._metrics[day]
                ]
            )
        }

    def cron_status(self) -> dict[str, CronJobStatus]:
        return dict(self.read.cron_status)

    def last_check_before(self, before: datetime) -> datetime | None:
        return self.read.last_check_before

    def checks_since(self, service: str, since: datetime) -> list[StoredCheck]:
        if since < self._checks_since:
            stored = self.inner.checks_since(service, since)
        else:
            stored = [c for c in self.read.checks.get(service, []) if c.checked_at >= since]
        own = self._own.get(service)
        if own is not None and own["checked_at"] >= since:
            stored = [*stored, StoredCheck.model_validate(own)]
        return stored

    def down_since(self, service: str) -> datetime | None:
        """As monitoring_down_since after this run's row: the stored streak goes on, or this
        run's failure starts one, or this run's success ends it."""
        own = self._own.get(service)
        if own is None:
            return self.read.down_since.get(service)
        if own["status"] != DOWN:
            return None
        return self.read.down_since.get(service) or own["checked_at"]


# Reads a rule may repeat in one run (the same question gets the same answer within a run).
_MEMOISED = frozenset(
    {
        "monitoring_metrics_of_day",
        "monitoring_checks_since",
        "monitoring_down_since",
        "monitoring_database_stats",
        "monitoring_count_rows",
    }
)


def _touched_since(event: dict[str, Any], since: datetime) -> bool:
    """monitoring_status_events_since's condition, on a row of its answer."""

    def at(field: str) -> datetime | None:
        value = event.get(field)
        return datetime.fromisoformat(value) if isinstance(value, str) else None

    times = [at("updated_at"), at("resolved_at"), at("ends_at")]
    open_incident = event.get("kind") == "incident" and event.get("resolved_at") is None
    return open_incident or any(t is not None and t >= since for t in times)


def merged_provider_statuses(
    stored: list[dict[str, Any]], written: list[dict[str, Any]] | None
) -> list[dict[str, Any]]:
    """The provider statuses after monitoring_provider_record(written) (None: not written): a
    page that could not be read keeps its last indicator, description, incidents, maintenances."""
    if written is None:
        return list(stored)
    before = {row["provider"]: row for row in stored}
    merged = []
    for row in sorted(written, key=lambda r: r["provider"]):
        old = before.get(row["provider"])
        if not row["ok"] and old is not None:
            kept = ("indicator", "description", "incidents", "maintenances")
            row = {**row, **{k: old.get(k) for k in kept}}
        merged.append(row)
    return merged
