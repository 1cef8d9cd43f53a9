"""Maintenance state from monitoring.toml windows: muted notifications, shown by the status."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel

from lib.core.config import Settings
from lib.core.monitor_config import MonitorConfig


class MaintenanceState(BaseModel):
    """Whether a window is active now; checks keep running, notifications are muted."""

    active: bool
    reason: str | None = None
    ends_at: datetime | None = None


def maintenance_state(config: MonitorConfig, now: datetime) -> MaintenanceState:
    window = config.active_maintenance(now)
    if window is None:
        return MaintenanceState(active=False)
    ends = window.ends_at(now)
    return MaintenanceState(
        active=True, reason=window.reason, ends_at=ends and ends.astimezone(UTC)
    )


def current_maintenance(settings: Settings, now: datetime | None = None) -> MaintenanceState:
    """Is CarBot in a maintenance window right now? (the alert engine mutes notifications)."""
    # An invalid file means the built-in defaults: no windows (config_invalid reports it).
    from lib.alerts.config_state import load_rules

    return maintenance_state(load_rules(settings).config, now or datetime.now(UTC))
