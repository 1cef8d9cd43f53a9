"""The `providers` part of /api/status: each vendor status page as the last refresh read it."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from lib.store import Store


class ProviderIncidentView(BaseModel):
    """An open incident a provider reports on its own status page."""

    name: str
    status: str
    impact: str | None
    started_at: datetime | None  # the incident's first update
    url: str | None  # https:// only (lib.core.safe_text.https_link)


class ProviderMaintenanceView(BaseModel):
    """Maintenance a provider announces: `upcoming` (only scheduled) or `in_progress`."""

    name: str
    status: Literal["upcoming", "in_progress"]
    scheduled_for: datetime | None
    scheduled_until: datetime | None
    url: str | None  # https:// only


class ProviderView(BaseModel):
    """One provider's public status as the last health-check refresh read it."""

    title: str
    indicator: str | None  # none | minor | major | critical | maintenance (null: unreadable)
    description: str | None
    checked_at: datetime
    # false: the last refresh could not read the page (`error` says why); what it showed before
    # is kept, so "no incident" there means "none known", not "none".
    readable: bool
    error: str | None = None
    incidents: list[ProviderIncidentView]
    maintenance: list[ProviderMaintenanceView] = []
    # The page's word (Statuspage's component words); `unknown` with reason `unreadable` when the
    # last refresh could not read the page: "no incident" then means "none known", not "none".
    status: str = "unknown"
    reason: str | None = None


INDICATOR_WORDS = {
    "none": "operational",
    "minor": "degraded_performance",
    "major": "partial_outage",
    "critical": "major_outage",
    "maintenance": "under_maintenance",
}


def provider_views(db: Store) -> dict[str, ProviderView]:
    """The stored provider statuses (lib/providers) in their public shape."""
    from lib.providers import DEFAULTS
    from lib.providers.store import provider_statuses

    return {
        p.provider: ProviderView(
            title=DEFAULTS[p.provider].title if p.provider in DEFAULTS else p.provider,
            indicator=p.indicator,
            description=p.description,
            checked_at=p.checked_at,
            readable=p.ok,
            error=None if p.ok else p.error,
            status=INDICATOR_WORDS.get(p.indicator or "", "unknown") if p.ok else "unknown",
            reason=None if p.ok else "unreadable",
            incidents=[ProviderIncidentView.model_validate(i.model_dump()) for i in p.incidents],
            maintenance=[
                ProviderMaintenanceView(
                    name=m.name,
                    status="upcoming" if m.status == "scheduled" else "in_progress",
                    scheduled_for=m.scheduled_for,
                    scheduled_until=m.scheduled_until,
                    url=m.url,
                )
                for m in p.maintenances
            ],
        )
        for p in provider_statuses(db)
    }
