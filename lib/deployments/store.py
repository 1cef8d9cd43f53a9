"""Deployments in the store: record a webhook event, read recent deployments and events."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from lib.store import Store


class Deployment(BaseModel, defer_build=True):
    """One deployment as the webhooks store it (docs/endpoints.md, POST /api/webhooks/vercel)."""

    id: str
    url: str | None
    name: str | None = None
    inspect_url: str | None = None  # Vercel's dashboard page of the deployment
    target: str | None  # production | preview | staging (a custom environment)
    state: Literal["building", "ready", "error", "canceled"]
    sha: str | None
    message: str | None
    author: str | None
    branch: str | None
    created_at: datetime
    ready_at: datetime | None
    promoted_at: datetime | None
    error_at: datetime | None
    canceled_at: datetime | None = None
    alias: list[str] | None = None  # payload.alias: the aliases assigned when ready
    project_id: str | None = None  # payload.project.id
    user_id: str | None = None  # payload.user.id: who deployed
    regions: list[str] | None = None  # payload.regions

    @property
    def short_sha(self) -> str:
        return self.sha[:7] if self.sha else "no commit"

    def describe(self) -> str:
        """`dpl_x (commit abc1234 "Fix login", by jane on main)` for notifications."""
        parts = [f"commit {self.short_sha}"]
        if self.message:
            parts.append(f'"{self.message.splitlines()[0][:80]}"')
        if self.author:
            parts.append(f"by {self.author}")
        if self.branch:
            parts.append(f"on {self.branch}")
        return f"{self.id} ({' '.join(parts)})"


class StoredEvent(BaseModel, defer_build=True):
    """One stored webhook event (the small payload part the rules read)."""

    id: str
    type: str
    created_at: datetime
    payload: dict[str, Any]


def record_event(store: Store, event: dict[str, Any]) -> bool:
    """Store one event (store_event's shape); False when its id was stored before (a retry)."""
    return bool(store.call("monitoring_vercel_event", p_event=event)["stored"])


def recent_deployments(
    store: Store, target: str | None = "production", limit: int = 10
) -> list[Deployment]:
    """Newest first; `target` None means every target."""
    raw = store.call("monitoring_recent_deployments", p_target=target, p_limit=limit)
    return [Deployment.model_validate(row) for row in raw]


def deployment_timeline(store: Store, deployment_id: str) -> list[dict[str, Any]] | None:
    raw = store.call("monitoring_deployment", p_id=deployment_id)
    return None if raw is None else list(raw["timeline"])


def events_since(store: Store, types: list[str], since: datetime) -> list[StoredEvent]:
    raw = store.call("monitoring_vercel_events_since", p_types=types, p_since=since)
    return [StoredEvent.model_validate(row) for row in raw]


def deployment_counts(store: Store, start: datetime, end: datetime) -> dict[str, dict[str, int]]:
    """{"production"|"preview": {"total", "ready", "error", "canceled"}} created in [start, end)."""
    return dict(store.call("monitoring_deployment_counts", p_from=start, p_to=end))
