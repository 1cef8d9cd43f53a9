"""The history event of an alert transition (monitoring_alert_events), decided with its patch."""

from __future__ import annotations

from datetime import datetime

from lib.alerts.rules import Observation
from lib.store import AlertEvent, AlertRow, EventKind


def announced(row: AlertRow) -> bool:
    """Whether the current episode of this row has been notified (not muted, not skipped)."""
    return row.last_notified_at is not None and row.last_notified_at >= row.since


def history_event(
    row: AlertRow | None,
    obs: Observation,
    since: datetime,
    now: datetime,
    notified: bool,
    escalated: bool,
    level: int,
) -> AlertEvent | None:
    """The history event of this write, if it is a transition (decided with the patch)."""
    kind: EventKind
    if row is None or row.state != obs.state:
        if obs.state == "firing":
            kind = "firing" if notified else "silenced"  # muted: entered during maintenance
        elif row is not None:
            return AlertEvent(
                kind="resolved", at=now, episode_start=row.since, threshold=obs.threshold
            )
        else:
            return None  # a new key that is ok: nothing happened
    elif obs.state == "firing" and notified:
        # A muted episode announced once its maintenance ended is its `firing`.
        kind = "escalated" if escalated else "reminder" if announced(row) else "firing"
    else:
        return None
    return AlertEvent(
        kind=kind,
        at=now,
        episode_start=since,
        threshold=obs.threshold,
        level=level if kind in ("firing", "escalated") else None,
    )
