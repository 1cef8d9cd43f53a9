"""Maintenance state from monitoring.toml windows: muted notifications, shown by the status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from lib.config import Settings
from lib.monitor_config import MaintenanceWindow, MonitorConfig, load_monitor_config


class MaintenanceState(BaseModel):
    """Whether a window is active now; checks keep running, notifications are muted."""

    active: bool
    reason: str | None = None
    ends_at: datetime | None = None


def window_end(window: MaintenanceWindow, moment: datetime) -> datetime | None:
    """End of the occurrence of `window` that contains `moment` (None if it is not active)."""
    if not window.active_at(moment):
        return None
    if window.weekly is None:
        return window.end
    zone = ZoneInfo(window.weekly.timezone)
    local = moment.astimezone(zone)
    for offset in (0, -1):
        day = local.date() + timedelta(days=offset)
        begin = datetime.combine(day, window.weekly.start, zone)
        finish = datetime.combine(day, window.weekly.end, zone)
        if finish <= begin:
            finish += timedelta(days=1)
        if begin <= local < finish:
            return finish.astimezone(UTC)
    return None


def maintenance_state(config: MonitorConfig, now: datetime) -> MaintenanceState:
    window = config.active_maintenance(now)
    if window is None:
        return MaintenanceState(active=False)
    return MaintenanceState(active=True, reason=window.reason, ends_at=window_end(window, now))


def current_maintenance(settings: Settings, now: datetime | None = None) -> MaintenanceState:
    """For the status page and badge: is CarBot in a maintenance window right now?"""
    return maintenance_state(load_monitor_config(settings), now or datetime.now(UTC))
