"""Incidents and maintenance written by people, as stored rows (lib/status validates them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lib.store import Store


def status_event_rows(
    store: Store, since: datetime, *, published_only: bool
) -> list[dict[str, Any]]:
    """Incidents and maintenance windows touched since `since`: the status page's and the
    maintenance muting's one read of them (lib/status/events.py, lib/alerts/maintenance.py)."""
    rows = store.call(
        "monitoring_status_events_since", p_since=since, p_published_only=published_only
    )
    return list(rows or [])
