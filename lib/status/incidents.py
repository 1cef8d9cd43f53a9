"""Create and change incidents and maintenance (the logic behind /api/incidents)."""

from __future__ import annotations

import secrets
from datetime import datetime

from lib.core.components import Component
from lib.core.errors import MonitorError
from lib.status.model import StoredEvent, Update
from lib.status.requests import IncidentCreate, IncidentPatch, MaintenanceCreate, MaintenancePatch
from lib.status.store import get_event, put_event
from lib.store import Store


class Rejected(MonitorError):
    """A request the store cannot take: `status` says which HTTP answer (400, 404, 409)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def check_components(ids: list[str], components: tuple[Component, ...]) -> None:
    known = {c.id for c in components}
    unknown = [i for i in ids if i not in known]
    if unknown:
        listed = ", ".join(sorted(known))
        raise Rejected(400, f"unknown component {unknown[0][:40]!r}; known: {listed}")


def create_event(
    db: Store,
    body: IncidentCreate | MaintenanceCreate,
    components: tuple[Component, ...],
    now: datetime,
) -> StoredEvent:
    if isinstance(body, IncidentCreate):
        check_components([c.id for c in body.components], components)
        event = StoredEvent(
            id=f"inc_{secrets.token_hex(6)}",
            kind="incident",
            published=body.published,
            status=body.status,
            impact=body.impact,
            title=body.title,
            components=body.components,
            updates=[Update(at=now, status=body.status, message=body.message)],
            created_at=now,
            updated_at=now,
            resolved_at=now if body.status == "resolved" else None,
            published_at=now if body.published else None,
        )
    else:
        check_components(body.components, components)
        event = StoredEvent(
            id=f"mnt_{secrets.token_hex(6)}",
            kind="maintenance",
            published=body.published,
            status="scheduled",
            title=body.title,
            message=body.message,
            components=[{"id": c, "impact": "none"} for c in body.components],  # type: ignore[misc]
            starts_at=body.starts_at,
            ends_at=body.ends_at,
            created_at=now,
            updated_at=now,
            published_at=now if body.published else None,
        )
    saved = put_event(db, event, 0)
    if saved is None:
        raise Rejected(409, "an event with this id exists; try again")
    return saved


def _apply_incident(event: StoredEvent, patch: IncidentPatch, now: datetime) -> dict[str, object]:
    change: dict[str, object] = {}
    for name in ("title", "impact", "components", "postmortem"):
        if name in patch.model_fields_set:
            change[name] = getattr(patch, name)
    if patch.message is not None:
        status = patch.status or event.status
        change["status"] = status
        change["updates"] = [*event.updates, Update(at=now, status=status, message=patch.message)]  # type: ignore[arg-type]
        if status == "resolved":
            change["resolved_at"] = event.resolved_at or now
        else:
            change["resolved_at"] = None
    return change


def _apply_maintenance(event: StoredEvent, patch: MaintenancePatch) -> dict[str, object]:
    change: dict[str, object] = {}
    for name in ("title", "message", "starts_at", "ends_at"):
        if getattr(patch, name) is not None:
            change[name] = getattr(patch, name)
    if patch.components is not None:
        change["components"] = [{"id": c, "impact": "none"} for c in patch.components]
    if patch.cancelled is not None:
        change["status"] = "cancelled" if patch.cancelled else "scheduled"
    starts = change.get("starts_at", event.starts_at)
    ends = change.get("ends_at", event.ends_at)
    if starts is not None and ends is not None and ends <= starts:  # type: ignore[operator]
        raise Rejected(400, "ends_at must be after starts_at")
    return change


def patch_event(
    db: Store,
    event_id: str,
    raw: dict,
    components: tuple[Component, ...],
    now: datetime,
) -> StoredEvent:
    """Apply a PATCH body to the stored event (compare-and-set on its version)."""
    event = get_event(db, event_id)
    if event is None:
        raise Rejected(404, "no such incident or maintenance")
    if event.kind == "incident":
        patch = IncidentPatch.model_validate(raw)
        if patch.components is not None:
            check_components([c.id for c in patch.components], components)
        change = _apply_incident(event, patch, now)
    else:
        mpatch = MaintenancePatch.model_validate(raw)
        if mpatch.components is not None:
            check_components(mpatch.components, components)
        change = _apply_maintenance(event, mpatch)
        patch = mpatch  # type: ignore[assignment]
    if patch.published is not None:
        change["published"] = patch.published
        if patch.published and event.published_at is None:
            change["published_at"] = now
    change["updated_at"] = now
    updated = StoredEvent.model_validate({**event.model_dump(), **change})
    saved = put_event(db, updated, event.version)
    if saved is None:
        raise Rejected(409, "changed by someone else meanwhile; reload and try again")
    return saved
