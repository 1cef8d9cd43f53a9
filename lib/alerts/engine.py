"""The alert state machine: ok → firing → ok per alert key, compare-and-set, notify exactly once.

Phase 1 applies each observation to its `monitoring_alerts` row. The transition (which state,
which notification, which history event) is decided here once, and the row and its event row are
written by one compare-and-set call (Store.alert_transition): of two overlapping runs exactly one
wins a transition and records it, and the notification it implies is queued in the row's
`pending`. Phase 2 (dispatch.py) delivers queued notifications: each channel's send of one
notification is claimed in monitoring_notifications (delivery.py, the one claim and its one
lease), so a send is never repeated; then what was delivered is removed from the queue
(compare-and-set again). A failed channel stays queued and is retried by the next run; nothing
a notifier does can break the run.

Incident response (docs/alerts.md): with an `[escalation]` policy a firing, unacknowledged episode
climbs a level when its severity's minutes say so (one more transition of the same writer, its
step claimed per (episode, level, channel)); an acknowledged one gets no reminder and no step.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from lib.alerts.attribution import incident_for
from lib.alerts.dispatch import DeliveryReport, Dispatch
from lib.alerts.escalation import due_level, reports_only
from lib.alerts.evidence import alert_evidence
from lib.alerts.history_event import announced, history_event
from lib.alerts.maintenance import MaintenanceState
from lib.alerts.queue import Pending, enqueue, episode_id, recipients, step_id
from lib.alerts.rules import Observation, ObservedState
from lib.alerts.runbooks import rule_runbook
from lib.core.escalation_config import EscalationPolicy
from lib.notify import REMIND_EVERY, Event, Notification, Notifier
from lib.providers import ProviderIncident
from lib.store import AlertEvent, AlertRow, Store

# The states of an alert row; an acknowledgement (acknowledged_at/by) and the escalation level
# reached are columns of the firing episode, written by the same Store.alert_transition call.
AlertState = Literal["ok", "firing"]
# Builds the signed acknowledge link of an episode (lib/alerts/ack_link.ack_url): key, since, now.
AckLinker = Callable[[str, datetime, datetime], str | None]


class AlertReport(BaseModel):
    """One alert key after this run."""

    state: AlertState | None  # the stored state (None: never stored)
    observed: ObservedState
    value: float | None
    message: str
    event: Event | None = None
    muted: bool = False
    lost_race: bool = False


class RunReport(BaseModel):
    """The alerting part of a cron summary."""

    alerts: dict[str, AlertReport]
    notifications: DeliveryReport
    maintenance: MaintenanceState
    notifiers: list[str]


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
        policy: EscalationPolicy | None = None,
        ack_link: AckLinker | None = None,
    ) -> None:
        self.store = store
        self.notifiers = {n.name: n for n in notifiers}
        self.now = now
        self.maintenance = maintenance
        self.environment = environment
        self.deadline = time.monotonic() + delivery_budget_s
        self.incidents = incidents  # open provider incidents: named in what fires meanwhile
        self.policy = policy  # None: every channel gets every event (no [escalation] section)
        self.ack_link = ack_link

    def run(self, observations: Sequence[Observation], disabled: set[str]) -> RunReport:
        rows = self.store.alerts()
        reports: dict[str, AlertReport] = {}
        for obs in observations:
            reports[obs.key], written = self._apply(obs, rows.get(obs.key))
            if written is not None:
                rows[obs.key] = written
        observed_rules = {o.rule for o in observations}
        for key, row in list(rows.items()):
            rule = key.split(":")[0]
            if row.state != "firing":
                continue
            if rule in disabled:
                why = "rule disabled"
            elif rule in observed_rules and key not in reports:
                why = "no longer watched"  # e.g. a service no longer in CRITICAL_SERVICES
            else:
                continue
            if (silenced := self._silence(row, why)) is not None:
                rows[key] = silenced
        delivery = DeliveryReport()
        if any(r.pending for r in rows.values()):
            # Read again: an overlapping run's queue is delivered with ours (one update per
            # provider incident), whichever run gets to each channel's claim first.
            rows = self.store.alerts()
        if not self.maintenance.active:
            dispatch = Dispatch(self.store, self.notifiers, self.now, self.deadline)
            for written in dispatch.deliver([r for r in rows.values() if r.pending], delivery):
                rows[written.rule] = written
        delivery.queued = sum(len(p.items) for r in rows.values() if (p := Pending.of(r)))
        return RunReport(
            alerts=reports,
            notifications=delivery,
            maintenance=self.maintenance,
            notifiers=list(self.notifiers),
        )

    # -- phase 1: transitions -------------------------------------------------------------

    def _apply(self, obs: Observation, row: AlertRow | None) -> tuple[AlertReport, AlertRow | None]:
        """Decide this key's transition and write it; also the row written (None: nothing)."""
        report = AlertReport(
            state=row.state if row else None,
            observed=obs.state,
            value=obs.value,
            message=obs.message,
        )
        if obs.state not in ("firing", "ok"):
            return report, None  # unknown / not configured / settling: neither fires nor resolves
        firing = obs.state == "firing"
        patch: dict[str, Any] = {}
        event: Event | None = None
        since = row.since if row else self.now  # when this episode began
        level = row.level if row else 0  # the escalation level notified in this episode
        low = 1  # the event goes to the levels low..level
        escalated = False
        if row is None or row.state != obs.state:
            patch = {"state": obs.state, "since": self.now}
            if firing:
                since, event = self.now, "firing"
                patch.update(acknowledged_at=None, acknowledged_by=None, level=0)
                level = self._due(obs.severity, since)
            elif row is not None and announced(row):
                event = "resolved"
        elif firing:
            assert row is not None
            due = self._due(obs.severity, since)
            if not announced(row):
                event, level = "firing", due  # entered firing muted or never delivered
            elif row.acknowledged_at is not None:
                pass  # someone is on it: no reminder, no further escalation this episode
            elif self.policy is not None and due > row.level:
                event, low, level, escalated = "firing", row.level + 1, due, True
            elif (
                row.last_notified_at
                and self.now - row.last_notified_at >= REMIND_EVERY
                and not reports_only(self.policy, obs.severity)
            ):
                event = "reminder"
        if row is None or row.last_value != obs.value or row.message != obs.message:
            patch.update(last_value=obs.value, message=obs.message)
        if row is None or row.severity != obs.severity:
            patch["severity"] = obs.severity
        if event is not None and self.maintenance.mutes(obs.key):  # a window of its component
            report.muted, event = True, None
        if event is not None:
            patch.update(last_notified_at=self.now, level=level)
            notification = self._notification(obs, event, since, level, escalated)
            channels = recipients(self.notifiers, self.policy, notification, low, level)
            queued = enqueue(row, notification, channels)
            if queued is not None:
                patch["pending"] = queued
        notified = "last_notified_at" in patch
        history = history_event(row, obs, since, self.now, notified, escalated, level)
        if not patch:
            return report, None
        new = self.store.alert_transition(obs.key, row.version if row else 0, patch, history)
        if new is None:
            report.lost_race = True  # another run applied this observation first
            return report, None
        report.state, report.event = new.state, event  # type: ignore[assignment]
        return report, new

    def _due(self, severity: str, since: datetime) -> int:
        """The level an unacknowledged episode begun at `since` has reached (1 without policy)."""
        return 1 if self.policy is None else due_level(self.policy, severity, self.now - since)

    def _notification(
        self, obs: Observation, event: Event, since: datetime, level: int, step: bool
    ) -> Notification:
        duration = (self.now - since).total_seconds() if event == "resolved" else None
        episode = episode_id(obs.key, since)
        # An escalation step (and, with a policy, an episode's first page) is claimed per
        # (episode, level, channel): the same id in every run that decides it.
        fixed = step or (self.policy is not None and event == "firing")
        link = None
        if event in ("firing", "reminder") and self.ack_link is not None:
            link = self.ack_link(obs.key, since, self.now)
        runbook: list[str] = []
        if event != "resolved":  # the procedure helps while it fires, not once it is over
            runbook = rule_runbook(obs.key, alert_evidence(self.store, obs, since))
        return Notification(
            id=step_id(episode, level) if fixed else uuid.uuid4().hex,
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
            episode=episode,
            level=max(level, 1),
            ack_url=link,
        )

    def _silence(self, row: AlertRow, why: str) -> AlertRow | None:
        """A firing key nobody watches any more: back to ok without a notification."""
        return self.store.alert_transition(
            row.rule,
            row.version,
            {"state": "ok", "since": self.now, "message": why, "pending": None},
            AlertEvent(kind="resolved", at=self.now, episode_start=row.since),
        )
