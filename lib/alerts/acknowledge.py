"""Acknowledge or take back the acknowledgement of an alert's current episode (SPEC §12).

One compare-and-set through the transition writer (Store.alert_transition): the row's
acknowledged_at/by and its `acknowledged`/`unacknowledged` event in one statement. An
acknowledgement also queues an `acknowledged` notification for the levels notified so far (the
channels that track an incident, PagerDuty, close their page; the others tell the team someone is
on it); the next health check delivers it like every queued notification.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from pydantic import BaseModel

from lib.alerts.queue import enqueue, episode_id, recipients
from lib.core.escalation_config import EscalationPolicy
from lib.notify import Notification, Notifier
from lib.store import AlertEvent, AlertRow, Store

ATTEMPTS = 5


class AckError(Exception):
    """Why it cannot be done: a status (404, 409, 410) and a sentence."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class AckOutcome(BaseModel):
    """The answer of POST /api/alerts/{key}/ack|unack and of the link page."""

    key: str
    acknowledged: bool
    changed: bool  # false: it already was (a second click, a retried request)
    episode_start: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    level: int


def _outcome(row: AlertRow, changed: bool) -> AckOutcome:
    return AckOutcome(
        key=row.rule,
        acknowledged=row.acknowledged_at is not None,
        changed=changed,
        episode_start=row.since,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        level=row.level,
    )


def firing_episode(store: Store, key: str, episode: datetime) -> AlertRow:
    """The row of `key` while `episode` is its firing episode; AckError otherwise (the link's
    page says so before anyone presses its button)."""
    row = store.alerts().get(key)
    if row is None:
        raise AckError(404, "no alert with this key")
    if row.state != "firing" or row.since != episode:
        raise AckError(410, "that episode is over; nothing to acknowledge")
    return row


def set_acknowledged(
    store: Store,
    key: str,
    acknowledge: bool,
    now: datetime,
    *,
    by: str | None = None,
    note: str | None = None,
    episode: datetime | None = None,
    notifiers: Sequence[Notifier] = (),
    policy: EscalationPolicy | None = None,
    titles: Mapping[str, str] | None = None,
) -> AckOutcome:
    """Acknowledge (or un-acknowledge) `key`'s firing episode; `episode` pins which one (a link).
    Raises AckError: 404 unknown key, 409 not firing, 410 the linked episode is over."""
    for _ in range(ATTEMPTS):
        row = store.alerts().get(key)
        if row is None:
            raise AckError(404, "no alert with this key")
        if row.state != "firing":
            raise AckError(409, "this alert is not firing; there is nothing to acknowledge")
        if episode is not None and row.since != episode:
            raise AckError(410, "that episode is over; the alert fired again since (use its link)")
        if (row.acknowledged_at is not None) == acknowledge:
            return _outcome(row, changed=False)
        patch: dict[str, object] = {
            "acknowledged_at": now if acknowledge else None,
            "acknowledged_by": by if acknowledge else None,
        }
        if acknowledge:
            queued = _queue_acknowledged(store, row, now, by, note, notifiers, policy, titles)
            if queued is not None:
                patch["pending"] = queued
        kind = "acknowledged" if acknowledge else "unacknowledged"
        event = AlertEvent(kind=kind, at=now, episode_start=row.since, actor=by, note=note)
        written = store.alert_transition(key, row.version, patch, event)
        if written is not None:
            return _outcome(written, changed=True)
    raise AckError(409, "the alert is changing right now; try again")


def _queue_acknowledged(
    store: Store,
    row: AlertRow,
    now: datetime,
    by: str | None,
    note: str | None,
    notifiers: Sequence[Notifier],
    policy: EscalationPolicy | None,
    titles: Mapping[str, str] | None,
) -> dict | None:
    if row.level == 0 or not notifiers:
        return None  # nobody was told it fires: nobody needs to hear it is handled
    rule, _, instance = row.rule.partition(":")
    title = (titles or {}).get(rule, rule)
    threshold = _threshold(store, row, now)
    who = f"Acknowledged by {by}" if by else "Acknowledged"
    notification = Notification(
        id=uuid.uuid4().hex,
        rule=row.rule,
        title=f"{title} ({instance})" if instance else title,
        event="acknowledged",
        severity=row.severity,  # type: ignore[arg-type]
        message=f"{who}: {note}" if note else who,
        value=row.last_value,
        threshold=threshold,
        unit="",
        since=row.since,
        at=now,
        episode=episode_id(row.rule, row.since),
        level=max(row.level, 1),
    )
    named = {n.name: n for n in notifiers}
    return enqueue(row, notification, recipients(named, policy, notification, 1, row.level))


def _threshold(store: Store, row: AlertRow, now: datetime) -> float:
    """The episode's threshold, from its history (an API request may ask once more)."""
    for item in store.alert_episodes(row.since, now + timedelta(seconds=1)):
        if item.get("rule") == row.rule and item.get("threshold") is not None:
            return float(item["threshold"])
    return 0.0
