"""/api/incidents and /api/incidents/{id}: incidents and maintenance written by people
(HEALTH_TOKEN); GET lists drafts too, for the dashboard."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError

from lib import store as store_module
from lib.alerts.config_state import load_rules
from lib.core.components import Component, components_or_defaults
from lib.core.http import HttpError, Request, Response, json_response, require_token
from lib.status.events import events_since
from lib.status.incidents import Rejected, create_event, patch_event
from lib.status.model import StoredEvent
from lib.status.requests import IncidentCreate, MaintenanceCreate, problem
from lib.status.store import get_event
from lib.store import Store, StoreError

LISTED = timedelta(days=90)


class EventList(BaseModel):
    events: list[StoredEvent]


def json_body(request: Request) -> Any:
    if not request.body:
        raise HttpError(400, "a JSON body is required")
    try:
        return json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise HttpError(400, "the body is not valid JSON") from None


@contextmanager
def open_store(request: Request) -> Iterator[Store]:
    if not store_module.configured(request.settings):
        raise HttpError(503, "no store configured (set DATABASE_URL or SUPABASE_URL + key)")
    try:
        with Store.from_settings(request.settings) as db:
            yield db
    except StoreError as error:
        raise HttpError(503, f"store unavailable: {error.reason}") from None


def _components(request: Request) -> tuple[Component, ...]:
    return components_or_defaults(load_rules(request.settings).config.components)


def _guarded[T](action: Callable[[], T]) -> T:
    try:
        return action()
    except ValidationError as error:
        raise HttpError(400, problem(error)) from None
    except Rejected as error:
        raise HttpError(error.status, error.reason) from None


def incidents_response(request: Request) -> Response:
    """GET: every event of the last 90 days (drafts too); POST: a new incident or maintenance."""
    require_token(request)
    now = datetime.now(UTC)
    if request.method == "GET":
        with open_store(request) as db:
            events = events_since(db, now - LISTED, published_only=False)
        return json_response(EventList(events=events))
    raw = json_body(request)
    if not isinstance(raw, dict):
        raise HttpError(400, "the body must be a JSON object")
    kind = raw.get("kind", "incident")
    if kind not in ("incident", "maintenance"):
        raise HttpError(400, "kind must be 'incident' or 'maintenance'")
    model = IncidentCreate if kind == "incident" else MaintenanceCreate
    body = _guarded(lambda: model.model_validate(raw))
    components = _components(request)
    with open_store(request) as db:
        saved = _guarded(lambda: create_event(db, body, components, now))
    return json_response(saved, 201, headers={"Location": f"/api/incidents/{saved.id}"})


def event_id(request: Request) -> str:
    """From Vercel's dynamic segment (`?id=`) or the path's last part."""
    value = request.query.get("id") or request.path.rstrip("/").rpartition("/")[2]
    if not value or len(value) > 40 or not value.replace("_", "").isalnum():
        raise HttpError(400, "not an incident id")
    return value


def incident_response(request: Request) -> Response:
    """GET one event; PATCH changes it (a message appends an update)."""
    require_token(request)
    ident = event_id(request)
    now = datetime.now(UTC)
    if request.method == "GET":
        with open_store(request) as db:
            event = get_event(db, ident)
        if event is None:
            raise HttpError(404, "no such incident or maintenance")
        return json_response(event)
    raw = json_body(request)
    if not isinstance(raw, dict):
        raise HttpError(400, "the body must be a JSON object")
    components = _components(request)
    with open_store(request) as db:
        saved = _guarded(lambda: patch_event(db, ident, raw, components, now))
    return json_response(saved)
