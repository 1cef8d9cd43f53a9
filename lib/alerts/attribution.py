"""Which provider stands behind an alert, and grouping the alerts one provider incident causes.

database/realtime → Supabase, openai → OpenAI, stripe/payments/webhooks → Stripe,
email → Resend, traffic/builds → Vercel (docs/alerts.md, "Provider incidents").
"""

from __future__ import annotations

from collections.abc import Sequence

from lib.notify import IncidentNote, Notification
from lib.providers import ProviderIncident

# Whole rule names first; then words of the alert key (`service_unresponsive:stripe`).
RULE_PROVIDERS = {
    "payment_failure_rate": "stripe",
    "dispute_rate": "stripe",
    "email_bounce_rate": "resend",
    "openai_cost_increase": "openai",
    "build_failed": "vercel",
    "deployment_regression": "vercel",
    "error_rate": "vercel",
    "response_time": "vercel",
    "function_crashes": "vercel",
    "web_vitals": "vercel",
}
WORD_PROVIDERS = {
    "database": "supabase",
    "realtime": "supabase",
    "openai": "openai",
    "stripe": "stripe",
    "payments": "stripe",
    "webhooks": "stripe",
    "email": "resend",
    "traffic": "vercel",
    "builds": "vercel",
}


def provider_for(key: str) -> str | None:
    rule, _, instance = key.partition(":")
    if rule in RULE_PROVIDERS:
        return RULE_PROVIDERS[rule]
    for word in (instance, *rule.split("_")):
        if word in WORD_PROVIDERS:
            return WORD_PROVIDERS[word]
    return None


def incident_for(key: str, incidents: Sequence[ProviderIncident]) -> IncidentNote | None:
    """The provider's longest-running open incident, as a notification note."""
    provider = provider_for(key)
    own = [i for i in incidents if i.provider == provider]
    if not own:
        return None
    first = min(own, key=lambda i: (i.started_at is None, i.started_at))
    return IncidentNote(
        provider=first.title,
        name=first.name,
        status=first.status,
        started_at=first.started_at,
        url=first.url,
    )


def incident_key(n: Notification) -> tuple[str, str] | None:
    """Firing notifications of one provider incident share this key (resolutions never do)."""
    if n.event != "firing" or n.incident is None:
        return None
    return (n.incident.provider, n.incident.name)


def merge(notifications: Sequence[Notification]) -> Notification:
    """One update: the first notification, listing the others it stands for."""
    lead, *others = notifications
    if not others:
        return lead
    return lead.model_copy(update={"grouped": [f"{n.title}: {n.message}" for n in others]})
