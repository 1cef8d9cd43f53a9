"""Read an Atlassian Statuspage `summary.json` (the public Status API v2).

Documented on every Statuspage page's `/api` (e.g. https://www.vercel-status.com/api,
https://status.chargebee.com/api): `{page: {id, name, url, updated_at}, status: {indicator,
description}, components, incidents: [unresolved, each with incident_updates],
scheduled_maintenances: [upcoming or in progress]}`. Indicator: none | minor | major | critical |
maintenance; maintenance status: scheduled | in_progress | verifying | completed.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, ValidationError

from lib.core.safe_text import https_link
from lib.providers import ProviderIncident, ProviderMaintenance

CLOSED = frozenset({"resolved", "completed", "postmortem", "closed"})
UNDER_WAY = frozenset({"in_progress", "verifying"})


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SummaryPage(_Loose):
    url: str | None = None


class SummaryStatus(_Loose):
    indicator: str
    description: str | None = None


class SummaryUpdate(_Loose):
    status: str | None = None
    created_at: datetime | None = None
    display_at: datetime | None = None


class SummaryIncident(_Loose):
    id: str | None = None
    name: str
    status: str
    impact: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    shortlink: str | None = None
    scheduled_for: datetime | None = None
    scheduled_until: datetime | None = None
    incident_updates: list[SummaryUpdate] = []

    def first_update(self) -> datetime | None:
        times = [u.display_at or u.created_at for u in self.incident_updates]
        found = [t for t in times if t is not None]
        return min(found) if found else None


class Summary(_Loose):
    """Statuspage v2 summary.json (the parts we read)."""

    page: SummaryPage = SummaryPage()
    status: SummaryStatus
    incidents: list[SummaryIncident] = []
    scheduled_maintenances: list[SummaryIncident] = []


class NotASummary(Exception):
    """The body is not a Statuspage summary.json."""


Reading = tuple[str, str | None, list[ProviderIncident], list[ProviderMaintenance]]


def parse_summary(provider: str, body: bytes) -> Reading:
    """(indicator, description, open incidents, upcoming and running maintenance)."""
    try:
        summary = Summary.model_validate_json(body)
    except ValidationError:
        raise NotASummary from None
    incidents = [
        ProviderIncident(
            provider=provider,
            name=i.name[:200],
            status=i.status,
            # started_at is the page's own "began at" (it may be set earlier than creation).
            started_at=i.started_at or i.created_at or i.first_update(),
            url=_link(summary.page, i),
            impact=i.impact,
        )
        for i in summary.incidents
        if i.status.lower() not in CLOSED
    ]
    maintenances = [
        ProviderMaintenance(
            provider=provider,
            name=m.name[:200],
            status="in_progress" if m.status.lower() in UNDER_WAY else "scheduled",
            scheduled_for=m.scheduled_for,
            scheduled_until=m.scheduled_until,
            url=_link(summary.page, m),
        )
        for m in summary.scheduled_maintenances
        if m.status.lower() not in CLOSED
    ]
    return summary.status.indicator, summary.status.description, incidents, maintenances


def _link(page: SummaryPage, incident: SummaryIncident) -> str | None:
    """The https shortlink, else the incident's page on the https status page itself (the
    documented example's shortlinks are `http://stspg.co:5000/...`)."""
    link = https_link(incident.shortlink)
    if link is None and incident.id and https_link(page.url) and incident.id.isalnum():
        link = f"{page.url.rstrip('/')}/incidents/{incident.id}"  # type: ignore[union-attr]
    return link
