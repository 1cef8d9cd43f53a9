"""The public parts of /api/status: components, banner, published incidents and maintenance."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from lib.alerts.maintenance import Window, toml_windows
from lib.core.components import LocalText, components_or_defaults
from lib.core.monitor_config import MonitorConfig
from lib.status.components import banner, component_views
from lib.status.events import RESOLVED_SHOWN, events_since
from lib.status.model import MaintenanceView, StoredEvent
from lib.store import Store, StoreError

HISTORY = timedelta(days=90)
COMPLETED_SHOWN = timedelta(days=7)  # completed maintenance stays listed this long


def event_windows(events: list[StoredEvent]) -> list[Window]:
    return [
        Window(
            id=e.id,
            reason=e.title.en,
            starts_at=e.starts_at,  # type: ignore[arg-type]
            ends_at=e.ends_at,  # type: ignore[arg-type]
            components=[c.id for c in e.components],
            source="api",
        )
        for e in events
        if e.kind == "maintenance" and e.status != "cancelled" and e.starts_at and e.ends_at
    ]


def maintenance_views(
    events: list[StoredEvent], config: MonitorConfig, now: datetime
) -> list[MaintenanceView]:
    """Announced windows and monitoring.toml's, upcoming first, completed ones for a week."""
    views = [
        e.maintenance_view(now)
        for e in events
        if e.kind == "maintenance" and e.status != "cancelled" and e.ends_at
    ]
    for window in toml_windows(config, now):
        reason = LocalText(de=window.reason, en=window.reason)
        views.append(
            MaintenanceView(
                id=window.id,
                state="scheduled"
                if now < window.starts_at
                else ("in_progress" if now < window.ends_at else "completed"),
                title=reason,
                message=reason,
                starts_at=window.starts_at,
                ends_at=window.ends_at,
                components=[],
            )
        )
    kept = [v for v in views if v.ends_at >= now - COMPLETED_SHOWN]
    return sorted(kept, key=lambda v: v.starts_at)


def public_parts(
    db: Store, raw: dict, config: MonitorConfig, zone: ZoneInfo, now: datetime, history: bool
) -> dict[str, Any]:
    """The shape's additions to /api/status (one more store call: the published events).

    Unreadable events (say, a store not yet migrated) leave components to checks and alerts."""
    try:
        events = events_since(db, now - HISTORY, published_only=True)
    except StoreError:
        events = []
    incidents = [e for e in events if e.kind == "incident"]
    windows = event_windows(events) + toml_windows(config, now)
    components = components_or_defaults(config.components)
    views = component_views(components, raw, incidents, windows, now, zone, with_history=history)
    shown = [e for e in incidents if e.resolved_at is None or now - e.resolved_at <= RESOLVED_SHOWN]
    return {
        "timezone": zone.key,
        "generated_at": now,
        "banner": banner(views),
        "components": views,
        "incidents": [e.incident_view() for e in shown],
        "maintenance": maintenance_views(events, config, now),
    }
