"""The `providers` part of /api/status: each vendor status page as the last refresh read it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from lib.store import Store


class ProviderIncidentView(BaseModel):
    """An open incident a provider reports on its own status page."""

    name: str
    status: str
    impact: str | None
    started_at: datetime | None
    url: str | None


class ProviderView(BaseModel):
    """One provider's public status as the last health-check refresh read it."""

    title: str
    indicator: str | None  # none | minor | major | critical | maintenance (null: unreadable)
    description: str | None
    checked_at: datetime
    readable: bool
    incidents: list[ProviderIncidentView]


def provider_views(db: Store) -> dict[str, ProviderView]:
    """The stored provider statuses (lib/providers) in their public shape."""
    from lib.providers import DEFAULTS, provider_statuses

    return {
        p.provider: ProviderView(
            title=DEFAULTS[p.provider].title if p.provider in DEFAULTS else p.provider,
            indicator=p.indicator,
            description=p.description,
            checked_at=p.checked_at,
            readable=p.ok,
            incidents=[ProviderIncidentView.model_validate(i.model_dump()) for i in p.incidents],
        )
        for p in provider_statuses(db)
    }
