"""Maintenance windows from monitoring.toml and from the store (announced via /api/incidents):
what the status shows, and which alerts they mute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from lib.core.components import components_or_defaults
from lib.core.config import Settings
from lib.core.maintenance_config import MaintenanceWindow
from lib.core.monitor_config import MonitorConfig
from lib.core.toml_types import WEEKDAYS
from lib.store import Store, StoreError
from lib.store.status_events import status_event_rows

# A weekly window is shown this long before its next occurrence.
WEEKLY_SHOWN_AHEAD = timedelta(days=7)


class Window(BaseModel):
    """One occurrence of a maintenance window; `components` empty means every component."""

    id: str
    reason: str
    starts_at: datetime
    ends_at: datetime
    components: list[str] = []
    source: str = "toml"  # or "api"


class MaintenanceState(BaseModel):
    """Whether a window is active now; checks keep running, notifications are muted.

    `active`: a window of every component (monitoring.toml) mutes every alert. `muted`: alert
    keys (or `prefix:`) of the components an announced window covers (see `mutes`)."""

    active: bool
    reason: str | None = None
    ends_at: datetime | None = None
    muted: list[str] = Field([], exclude_if=lambda v: not v)  # in a summary only when set

    def mutes(self, key: str) -> bool:
        return self.active or any(
            key == m or (m.endswith(":") and key.startswith(m)) for m in self.muted
        )


def _weekly_occurrence(
    window: MaintenanceWindow, now: datetime
) -> tuple[datetime, datetime] | None:
    """The occurrence running now, else the next one starting within WEEKLY_SHOWN_AHEAD."""
    weekly = window.weekly
    assert weekly is not None
    local = now.astimezone(ZoneInfo(weekly.timezone))
    for offset in range(-1, WEEKLY_SHOWN_AHEAD.days + 1):
        day = local.date() + timedelta(days=offset)
        if WEEKDAYS[day.weekday()] != weekly.day:
            continue
        begin = datetime.combine(day, weekly.start, local.tzinfo)
        finish = datetime.combine(day, weekly.end, local.tzinfo)
        if finish <= begin:
            finish += timedelta(days=1)
        if finish > now and begin - now <= WEEKLY_SHOWN_AHEAD:
            return begin.astimezone(UTC), finish.astimezone(UTC)
    return None


def toml_windows(config: MonitorConfig, now: datetime) -> list[Window]:
    """monitoring.toml `[[maintenance]]`: one-off windows, and each weekly one's next occurrence."""
    found = []
    for index, window in enumerate(config.maintenance):
        if window.weekly is not None:
            occurrence = _weekly_occurrence(window, now)
            if occurrence is None:
                continue
            start, end = occurrence
        else:
            start, end = window.start, window.end  # type: ignore[assignment]
        found.append(
            Window(
                id=f"mnt_toml_{index}_{start:%Y%m%d%H%M}",
                reason=window.reason,
                starts_at=start.astimezone(UTC),
                ends_at=end.astimezone(UTC),
            )
        )
    return found


def stored_windows(store: Store, since: datetime) -> list[Window]:
    """Published maintenance announced through /api/incidents, ending after `since`."""
    rows = status_event_rows(store, since, published_only=True)
    return [
        Window(
            id=r["id"],
            reason=(r.get("title") or {}).get("en", "maintenance"),
            starts_at=datetime.fromisoformat(r["starts_at"]),
            ends_at=datetime.fromisoformat(r["ends_at"]),
            components=[c["id"] for c in r.get("components") or []],
            source="api",
        )
        for r in rows or []
        if r["kind"] == "maintenance" and r["status"] != "cancelled" and r.get("starts_at")
    ]


def maintenance_state(
    config: MonitorConfig, now: datetime, store: Store | None = None
) -> MaintenanceState:
    window = config.active_maintenance(now)
    muted: list[str] = []
    running: list[Window] = []
    if store is not None:
        try:
            running = [w for w in stored_windows(store, now) if w.starts_at <= now < w.ends_at]
        except StoreError:
            running = []  # the announced windows are unreadable: nothing extra is muted
        components = components_or_defaults(config.components)
        for w in running:
            covered = [c for c in components if not w.components or c.id in w.components]
            muted.extend(alert for c in covered for alert in c.alerts)
    everything = next((w for w in running if not w.components), None)
    if window is None and everything is not None:  # announced for every component: mute all
        return MaintenanceState(
            active=True, reason=everything.reason, ends_at=everything.ends_at, muted=muted
        )
    if window is None:
        return MaintenanceState(active=False, muted=sorted(set(muted)))
    ends = window.ends_at(now)
    return MaintenanceState(
        active=True, reason=window.reason, ends_at=ends and ends.astimezone(UTC), muted=muted
    )


def current_maintenance(settings: Settings, now: datetime | None = None) -> MaintenanceState:
    """Is CarBot in a maintenance window right now? (the alert engine mutes notifications)."""
    # An invalid file means the built-in defaults: no windows (config_invalid reports it).
    from lib.alerts.config_state import load_rules

    return maintenance_state(load_rules(settings).config, now or datetime.now(UTC))
