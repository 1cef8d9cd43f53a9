"""The alert state machine: ok → firing → ok per alert key, compare-and-set, notify exactly once.

Phase 1 applies each observation to its `monitoring_alerts` row with compare-and-set: of two
overlapping runs exactly one wins a transition, and the notification it implies is queued in the
row's `pending`. Phase 2 delivers queued notifications: a run first claims the row's `pending`
(compare-and-set again, with a lease), sends, then removes what was delivered. A failed channel
stays queued and is retried by the next run; nothing a notifier does can break the run. Each
channel's send of one notification is also claimed in monitoring_notifications (delivery.py), so
a send recorded there is never repeated even when the `pending` bookkeeping failed after it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from lib.alerts.attribution import incident_for, incident_key, merge
from lib.alerts.delivery import send_once
from lib.alerts.evidence import alert_evidence
from lib.alerts.maintenance import MaintenanceState
from lib.alerts.rules import Observation, ObservedState
from lib.alerts.runbooks import rule_runbook
from lib.notify import REMIND_EVERY, Event, Notification, Notifier, NotifyError, accepts
from lib.providers import ProviderIncident
from lib.store import AlertRow, Store

# A claimed delivery older than this is presumed abandoned (the function was killed mid-send).
CLAIM_LEASE = timedelta(minutes=2)
MAX_QUEUED = 10
FINALIZE_ATTEMPTS = 5


class QueuedNotification(BaseModel):
    """A notification and the channels that still have to deliver it."""

    notification: Notification
    channels: list[str]


class Pending(BaseModel):
    """The `pending` column: queued notifications, who is sending them, the last failure."""

    claimed_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = None
    items: list[QueuedNotification] = []

    @classmethod
    def of(cls, row: AlertRow | None) -> Pending | None:
        return cls.model_validate(row.pending) if row is not None and row.pending else None

    def claimed(self, now: datetime) -> bool:
        return self.claimed_at is not None and now - self.claimed_at < CLAIM_LEASE

    def dump(self) -> dict[str, Any] | None:
        return self.model_dump(mode="json") if self.items else None


class AlertReport(BaseModel):
    """One alert key after this run."""

    state: str | None  # the stored state: ok | firing (None: never stored)
    observed: ObservedState
    value: float | None
    message: str
    event: Event | None = None
    muted: bool = False
    lost_race: bool = False


class DeliveryReport(BaseModel):
    """What phase 2 did."""

    sent: int = 0
    failed: int = 0
    queued: int = 0
    errors: list[str] = []


class RunReport(BaseModel):
    """The alerting part of a cron summary."""

    alerts: dict[str, AlertReport]
    notifications: DeliveryReport
    maintenance: MaintenanceState
    notifiers: list[str]


def announced(row: AlertRow) -> bool:
    """Whether the current episode of this row has been notified (not muted, not skipped)."""
    return row.last_notified_at is not None and row.last_notified_at >= row.since


class Engine:
    """One evaluation run at a fixed `now` (tests pass any clock they like)."""

    def __init__(
        self,
        store: Store,
        notifiers: Sequence[Notifier],
        now: datetime,
        maintenance: MaintenanceState,
        environment: str = "development",
        delivery_budget_s: float = 15.0,
        incidents: Sequence[ProviderIncident] = (),
    ) -> None:
        self.store = store
        self.notifiers = {n.name: n for n in notifiers}
        self.now = now
        self.maintenance = maintenance
        self.environment = environment
        self.deadline = time.monotonic() + delivery_budget_s
        self.incidents = incidents  # open provider incidents: named in what fires meanwhile

    def run(self, observations: Sequence[Observation], disabled: set[str]) -> RunReport:
        rows = self.store.alerts()
        reports = {o.key: self._apply(o, rows.get(o.key)) for o in observations}
        observed_rules = {o.rule for o in observations}
        for key, row in rows.items():
            rule = key.split(":")[0]
            if row.state != "firing":
                continue
            if rule in disabled:
                self._silence(row, "rule disabled")
            elif rule in observed_rules and key not in reports:
                # e.g. a service no longer in CRITICAL_SERVICES, a job no longer watched
                self._silence(row, "no longer watched")
        delivery = DeliveryReport()
        if not self.maintenance.active:
            self._deliver([r for r in self.store.alerts().values() if r.pending], delivery)
        delivery.queued = sum(
            len(p.items) for r in self.store.alerts().values() if (p := Pending.of(r))
        )
        return RunReport(
            alerts=reports,
            notifications=delivery,
            maintenance=self.maintenance,
            notifiers=list(self.notifiers),
        )

    # -- phase 1: transitions -------------------------------------------------------------

    def _apply(self, obs: Observation, row: AlertRow | None) -> AlertReport:
        report = AlertReport(
            state=row.state if row else None,
            observed=obs.state,
            value=obs.value,
            message=obs.message,
        )
        if obs.state not in ("firing", "ok"):
            return report  # unknown / not configured / settling: neither fires nor resolves
        firing = obs.state == "firing"
        patch: dict[str, Any] = {}
        event: Event | None = None
        since = row.since if row else self.now  # when this episode began
        if row is None or row.state != obs.state:
            patch = {"state": obs.state, "since": self.now}
            if row is None:
                event = "firing" if firing else None
            elif firing:
                since = self.now
                event = "firing"
            elif announced(row):
                event = "resolved"
        elif firing:
            assert row is not None
            if not announced(row):
                event = "firing"  # entered firing muted (maintenance) or never delivered
            elif row.last_notified_at and self.now - row.last_notified_at >= REMIND_EVERY:
                event = "reminder"
        if row is None or row.last_value != obs.value or row.message != obs.message:
            patch.update(last_value=obs.value, message=obs.message)
        if row is None or row.severity != obs.severity:
            patch["severity"] = obs.severity
        if event is not None and self.maintenance.active:
            report.muted, event = True, None
        if event is not None:
            patch["last_notified_at"] = self.now
            queued = self._queue(row, self._notification(obs, event, since))
            if queued is not None:
                patch["pending"] = queued
        if not patch:
            return report
        new = self.store.alert_cas(obs.key, row.version if row else 0, patch)
        if new is None:
            report.lost_race = True  # another run applied this observation first
            return report
        report.state, report.event = new.state, event
        return report

    def _notification(self, obs: Observation, event: Event, since: datetime) -> Notification:
        duration = (self.now - since).total_seconds() if event == "resolved" else None
        runbook: list[str] = []
        if event != "resolved":  # the procedure helps while it fires, not once it is over
            runbook = rule_runbook(obs.key, alert_evidence(self.store, obs, since))
        return Notification(
            id=uuid.uuid4().hex,
            rule=obs.key,
            title=obs.title,
            event=event,
            severity=obs.severity,
            message=obs.message,
            value=obs.value,
            threshold=obs.threshold,
            unit=obs.unit,
            since=since,
            at=self.now,
            duration_s=duration,
            environment=self.environment,
            incident=None if event == "resolved" else incident_for(obs.key, self.incidents),
            runbook=runbook,
        )

    def _queue(self, row: AlertRow | None, notification: Notification) -> dict[str, Any] | None:
        channels = [name for name, n in self.notifiers.items() if accepts(n, notification)]
        if not channels:
            return None
        pending = Pending.of(row) or Pending()
        item = QueuedNotification(notification=notification, channels=channels)
        pending.items = [*pending.items, item][-MAX_QUEUED:]
        return pending.dump()

    def _silence(self, row: AlertRow, why: str) -> None:
        """A firing key nobody watches any more: back to ok without a notification."""
        self.store.alert_cas(
            row.rule,
            row.version,
            {"state": "ok", "since": self.now, "message": why, "pending": None},
        )

    # -- phase 2: delivery ----------------------------------------------------------------

    def _deliver(self, rows: list[AlertRow], report: DeliveryReport) -> None:
        """Claim every row's queue, send, release. Firing notifications of one provider
        incident go out as one update (attribution.merge); each row still records its own."""
        claims: list[tuple[AlertRow, Pending]] = []
        for row in rows:
            pending = Pending.of(row)
            if pending is None or pending.claimed(self.now):
                continue
            pending.claimed_at = self.now
            claimed = self.store.alert_cas(row.rule, row.version, {"pending": pending.dump()})
            if claimed is not None:  # else another run claimed it first
                claims.append((claimed, pending))
        delivered: set[tuple[str, str]] = set()
        failed: dict[str, dict[str, str]] = {row.rule: {} for row, _ in claims}
        for unit in _units(claims):
            channels = dict.fromkeys(c for _, item in unit for c in item.channels)
            for channel in channels:
                # Keep each row's order per channel: no "resolved" before its "firing".
                members = [
                    (rule, item)
                    for rule, item in unit
                    if channel in item.channels and channel not in failed[rule]
                ]
                if not members:
                    continue
                ids = {(item.notification.id, channel) for _, item in members}
                notifier = self.notifiers.get(channel)
                if notifier is None:
                    delivered |= ids  # channel no longer set up
                    continue
                if time.monotonic() > self.deadline:
                    for rule, _ in members:
                        failed[rule][channel] = "out of time; retried next run"
                    continue
                notification = merge([item.notification for _, item in members])
                try:
                    outcome = send_once(self.store, notifier, notification, self.now)
                except NotifyError as error:
                    for rule, _ in members:
                        failed[rule][channel] = error.reason
                    report.failed += 1
                    report.errors.append(f"{notification.rule} {channel}: {error.reason}")
                    continue
                if outcome == "busy":  # another run is sending it right now: keep it queued
                    for rule, _ in members:
                        failed[rule][channel] = "being sent by another run"
                    continue
                delivered |= ids
                report.sent += outcome == "sent"
        for claimed, _ in claims:
            self._finalize(claimed, delivered, "; ".join(failed[claimed.rule].values()) or None)

    def _finalize(
        self, claimed: AlertRow, delivered: set[tuple[str, str]], error: str | None
    ) -> None:
        """Remove what was delivered and release the claim; merge with concurrent additions."""
        row: AlertRow | None = claimed
        for _ in range(FINALIZE_ATTEMPTS):
            assert row is not None
            pending = Pending.of(row) or Pending()
            items = []
            for item in pending.items:
                left = [c for c in item.channels if (item.notification.id, c) not in delivered]
                if left:
                    items.append(item.model_copy(update={"channels": left}))
            remaining = Pending(
                claimed_at=None,
                attempts=pending.attempts + (1 if error else 0),
                last_error=error,
                items=items,
            )
            if self.store.alert_cas(row.rule, row.version, {"pending": remaining.dump()}):
                return
            row = self.store.alerts().get(claimed.rule)
            if row is None:
                return


def _units(
    claims: list[tuple[AlertRow, Pending]],
) -> list[list[tuple[str, QueuedNotification]]]:
    """Queued notifications in order, firing ones of one provider incident in one unit."""
    units: list[list[tuple[str, QueuedNotification]]] = []
    by_incident: dict[tuple[str, str], list[tuple[str, QueuedNotification]]] = {}
    for row, pending in claims:
        for item in pending.items:
            key = incident_key(item.notification)
            if key is not None and key in by_incident:
                by_incident[key].append((row.rule, item))
                continue
            unit = [(row.rule, item)]
            if key is not None:
                by_incident[key] = unit
            units.append(unit)
    return units
