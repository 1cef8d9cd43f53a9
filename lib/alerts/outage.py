"""Windows of the store-down notification, and the outage episode recorded once the store is back.

While the store is unreachable nothing can be written, so the runs that notify directly
(lib/jobs/store_down.py) leave no trace but a gap in the check history. The first run that
reaches the store again turns that gap into a `store_unreachable` episode (firing since the first
missed run, announced when a direct message went out), and the normal state machine then resolves
it and sends the resolution once: of overlapping runs exactly one wins each compare-and-set.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lib.alerts.rules.monitor import StoreUnreachable
from lib.core.monitor_config import MonitorConfig
from lib.notify.message import format_time
from lib.store import AlertEvent, AlertRow, Store

# At most one direct notification per channel per window while the store stays unreachable.
WINDOW = timedelta(minutes=30)
# Windows looked at when a gap is long (a week of 30-minute windows): enough to find the first one
# outside maintenance, bounded however long the gap was.
MAX_WINDOWS = 7 * 48
RULE = StoreUnreachable.name


def window_start(moment: datetime) -> datetime:
    """The 30-minute window (aligned to the clock, in UTC) that contains `moment`."""
    seconds = int(moment.timestamp())
    return datetime.fromtimestamp(seconds - seconds % int(WINDOW.total_seconds()), UTC)


def sends_in_window(moment: datetime, every: timedelta) -> bool:
    """Whether a run at `moment` is the first scheduled run of its window (the one that sends).

    Runs come every `every` (HEALTH_CHECK_EVERY_MIN), so exactly one scheduled run falls in the
    first `every` of each window; later runs of the window, and duplicate deliveries of the first,
    either stay quiet or carry the same idempotency key.
    """
    return moment - window_start(moment) < min(every, WINDOW)


def first_announcement(
    last: datetime, now: datetime, every: timedelta, config: MonitorConfig
) -> datetime | None:
    """When the first direct notification of a gap after `last` went out (None: none did).

    A run at the start of a window after `last` and before this run found the store down and
    sent, unless a maintenance window muted it.
    """
    start = window_start(last) + WINDOW
    for _ in range(MAX_WINDOWS):
        if start + min(every, WINDOW) > now:
            return None
        if config.active_maintenance(start) is None:
            return start
        start += WINDOW
    return None


def record_store_outage(
    store: Store, now: datetime, every: timedelta, config: MonitorConfig
) -> AlertRow | None:
    """If no check was recorded for more than two runs, record that gap as a firing episode.

    Returns the row written (None: no gap, or another run recorded this one first).
    """
    last = store.last_check_before(now)
    if last is None or now - last <= 2 * every:
        return None
    since = min(last + every, now)  # the first run that could not record
    row = store.alerts().get(RULE)
    if row is not None and (row.state == "firing" or row.since >= since):
        return None  # this gap is recorded already (an overlapping run, or resolved since)
    announced = first_announcement(last, now, every, config)
    # Announced by the direct notification (the history says `firing` at the gap's start), or
    # muted by maintenance (`silenced`).
    event = AlertEvent(kind="firing" if announced else "silenced", at=since, episode_start=since)
    message = (
        f"no check could be recorded from {format_time(since)} to {format_time(now)}: "
        "the store was unreachable (or the health check was not called)"
    )
    patch = {
        "state": "firing",
        "since": since,
        "severity": StoreUnreachable.default_severity,
        "last_notified_at": announced and max(announced, since),
        "message": message,
        "pending": None,
    }
    return store.alert_transition(RULE, row.version if row else 0, patch, event)
