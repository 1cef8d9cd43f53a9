"""Provider status: the public status pages of Vercel, Supabase, Stripe, OpenAI and Resend.

The health-check cron refreshes them (lib/providers/refresh.py) at most every 5 minutes into
monitoring_provider_status; everything else reads the stored result (lib/providers/store.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, field_validator

from lib.core.monitor_config import MonitorConfig, ProviderName
from lib.core.safe_text import https_link

Kind = Literal["statuspage", "feed"]


@dataclass(frozen=True)
class Provider:
    """One provider to watch: how and where (docs/configuration.md lists the defaults' sources)."""

    name: ProviderName
    title: str
    kind: Kind
    url: str


# Researched 2026-12 (docs/configuration.md, "Provider status", has the evidence): Vercel and
# Supabase run Atlassian Statuspage (summary.json); Stripe's incident history is a Statuspage
# Atom feed on stripestatus.com; OpenAI runs an incident.io page. Resend manages incidents with
# incident.io (its handbook); its page's address could not be confirmed: if it cannot be read,
# it shows as unreadable, never as "no incident".
DEFAULTS: dict[ProviderName, Provider] = {
    "vercel": Provider(
        "vercel", "Vercel", "statuspage", "https://www.vercel-status.com/api/v2/summary.json"
    ),
    "supabase": Provider(
        "supabase", "Supabase", "statuspage", "https://status.supabase.com/api/v2/summary.json"
    ),
    "stripe": Provider("stripe", "Stripe", "feed", "https://www.stripestatus.com/history.atom"),
    "openai": Provider("openai", "OpenAI", "feed", "https://status.openai.com/history.atom"),
    "resend": Provider("resend", "Resend", "feed", "https://resend-status.com/history.atom"),
}


def configured_providers(config: MonitorConfig) -> list[Provider]:
    """The defaults with `[providers.<name>]` applied; switched-off providers left out."""
    found = []
    for name, default in DEFAULTS.items():
        override = config.providers.get(name)
        if override is None:
            found.append(default)
        elif override.enabled:
            found.append(
                Provider(
                    name,
                    default.title,
                    override.kind or default.kind,
                    str(override.url) if override.url else default.url,
                )
            )
    return found


class ProviderIncident(BaseModel, defer_build=True):
    """One open incident a provider reports (docs/endpoints.md, GET /api/status `providers`)."""

    provider: str
    name: str
    status: str  # investigating | identified | monitoring | ... (the provider's word)
    started_at: datetime | None  # the incident's first update, not its newest
    url: str | None
    impact: str | None  # Statuspage: none | minor | major | critical; feeds: None

    @field_validator("url", mode="before")
    @classmethod
    def _https_link(cls, value: object) -> str | None:
        return https_link(value)

    @property
    def title(self) -> str:
        default = DEFAULTS.get(self.provider)  # type: ignore[call-overload]
        return default.title if default else self.provider.capitalize()


class ProviderMaintenance(BaseModel, defer_build=True):
    """Maintenance a provider announces: upcoming (`scheduled`) or under way (`in_progress`)."""

    provider: str
    name: str
    status: Literal["scheduled", "in_progress"]
    scheduled_for: datetime | None  # the announced window, where the page gives it
    scheduled_until: datetime | None
    url: str | None

    @field_validator("url", mode="before")
    @classmethod
    def _https_link(cls, value: object) -> str | None:
        return https_link(value)


class ProviderStatus(BaseModel, defer_build=True):
    """The stored result of one provider's last refresh."""

    provider: str
    kind: Kind
    checked_at: datetime
    ok: bool  # false: the status page itself could not be read (last incidents kept)
    indicator: str | None
    description: str | None
    error: str | None
    incidents: list[ProviderIncident]
    maintenances: list[ProviderMaintenance] = []
