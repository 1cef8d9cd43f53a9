"""The alert row's delivery queue (`pending`) and who a notification goes to (its channels).

Without an `[escalation]` section every configured channel that accepts the severity receives
every event (the behaviour before incident response). With one, an event goes to the channels of
the levels it concerns: a new episode to the levels due at once, an escalation step to the levels
newly reached, a reminder, acknowledgement or resolution to every level notified so far.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from lib.alerts.ack_link import episode_micros
from lib.alerts.attribution import incident_key
from lib.alerts.escalation import channels_between
from lib.core.escalation_config import EscalationPolicy
from lib.notify import Notification, Notifier, accepts
from lib.store import AlertRow

MAX_QUEUED = 10


class QueuedNotification(BaseModel):
    """A notification and the channels that still have to deliver it."""

    notification: Notification
    channels: list[str]


class Pending(BaseModel):
    """The `pending` column: queued notifications, failed attempts, the last failure."""

    attempts: int = 0
    last_error: str | None = None
    items: list[QueuedNotification] = []

    @classmethod
    def of(cls, row: AlertRow | None) -> Pending | None:
        return cls.model_validate(row.pending) if row is not None and row.pending else None

    def dump(self) -> dict[str, Any] | None:
        return self.model_dump(mode="json") if self.items else None


def episode_id(rule: str, since: datetime) -> str:
    """One key per episode (PagerDuty's dedup_key; the ids of its escalation steps)."""
    return hashlib.sha256(f"{rule}|{episode_micros(since)}".encode()).hexdigest()[:32]


def step_id(episode: str, level: int) -> str:
    """The notification id of an episode's step to `level`: the claim of each (episode, level,
    channel) in monitoring_notifications, so overlapping runs send each step once."""
    return f"{episode}-l{level}"


def recipients(
    notifiers: Mapping[str, Notifier],
    policy: EscalationPolicy | None,
    notification: Notification,
    low: int,
    high: int,
) -> list[str]:
    """The configured channels of levels low..high that accept this severity. No policy: all of
    them; a level without channels (the guide's default levels have none) also means all."""
    if policy is None:
        names = list(notifiers)
    else:
        found: dict[str, None] = {}
        for level in range(max(1, low), high + 1):
            found.update(
                dict.fromkeys(channels_between(policy, level, level, notification.at) or notifiers)
            )
        names = [name for name in found if name in notifiers]
    return [name for name in names if accepts(notifiers[name], notification)]


def enqueue(row: AlertRow | None, notification: Notification, channels: list[str]) -> dict | None:
    """The row's queue with this notification added (None: no channel to send it to)."""
    if not channels:
        return None
    pending = Pending.of(row) or Pending()
    item = QueuedNotification(notification=notification, channels=channels)
    pending.items = [*pending.items, item][-MAX_QUEUED:]
    return pending.dump()


def units(claims: list[tuple[AlertRow, Pending]]) -> list[list[tuple[str, QueuedNotification]]]:
    """Queued notifications in order, firing ones of one provider incident in one unit."""
    found: list[list[tuple[str, QueuedNotification]]] = []
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
            found.append(unit)
    return found
