"""Incidents and maintenance in the store (monitoring_status_events): read, write, draft."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from lib.core.components import Component, LocalText, StatusOptions
from lib.status.model import ComponentImpact, StoredEvent, Update
from lib.status.store import put_event
from lib.store import Store
from lib.store.status_events import status_event_rows

# Resolved incidents stay this long in /api/status `incidents` (the history keeps them 90 days).
RESOLVED_SHOWN = timedelta(days=7)


def events_since(db: Store, since: datetime, *, published_only: bool) -> list[StoredEvent]:
    rows = status_event_rows(db, since, published_only=published_only)
    return [StoredEvent.model_validate(r) for r in rows]


def draft_id(alert_key: str, since: datetime) -> str:
    """One draft per alert episode: two overlapping runs compute the same id."""
    digest = hashlib.sha256(f"{alert_key}|{since.isoformat()}".encode()).hexdigest()
    return f"inc_{digest[:12]}"


def suggested_draft(
    component: Component, alert_key: str, since: datetime, now: datetime, options: StatusOptions
) -> StoredEvent:
    """What an operator is offered when a critical alert fires on a public component."""
    name = component.name
    title = LocalText(de=f"Störung: {name.de}", en=f"Disruption: {name.en}")
    message = LocalText(
        de=f"Wir untersuchen Probleme mit {name.de} und melden uns mit einem Update.",
        en=f"We are investigating problems with {name.en} and will post an update.",
    )
    publish = options.auto_publish
    return StoredEvent(
        id=draft_id(alert_key, since),
        kind="incident",
        published=publish,
        status="investigating",
        impact="major",
        title=title,
        components=[ComponentImpact(id=component.id, impact="major")],
        updates=[Update(at=now, status="investigating", message=message)],
        source=alert_key,
        created_at=now,
        updated_at=now,
        published_at=now if publish else None,
    )


def draft_from_alerts(
    db: Store, components: tuple[Component, ...], options: StatusOptions, now: datetime
) -> list[str]:
    """Draft an incident for each critical firing alert on a public component (once per episode).

    Returns the ids created by this run."""
    created = []
    for key, row in db.alerts().items():
        if row.state != "firing" or row.severity != "critical":
            continue
        component = next((c for c in components if c.maps_alert(key)), None)
        if component is None:
            continue
        draft = suggested_draft(component, key, row.since, now, options)
        if put_event(db, draft, 0) is not None:
            created.append(draft.id)
    return created
