"""Notifications: the message model, the Notifier protocol, and the notifiers configured."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal, Protocol

from pydantic import BaseModel

from lib.core.config import Settings
from lib.core.errors import NotifyError as NotifyError
from lib.core.errors import reason_for
from lib.core.not_configured import NotConfigured

if TYPE_CHECKING:
    import httpx

# `acknowledged` tells the channels that track an incident (PagerDuty) that someone is on it.
Event = Literal["firing", "reminder", "resolved", "acknowledged"]
Severity = Literal["critical", "warning", "info"]

# Every notifier call gets at most this long; a slow target must not eat the cron's budget.
SEND_TIMEOUT_S = 5.0
# The alert engine reminds of a still-firing alert at most this often; every message says so.
REMIND_EVERY = timedelta(hours=6)


class IncidentNote(BaseModel):
    """A provider incident open while the alert fired (lib/alerts/attribution.py)."""

    provider: str  # its title: "Stripe"
    name: str
    status: str
    started_at: datetime | None
    url: str | None = None


class Notification(BaseModel):
    """One alert event to deliver: what fired (or resolved), how bad, since when."""

    id: str  # unique per event; the Resend idempotency key
    rule: str  # alert key, e.g. "service_unresponsive:database"
    title: str
    event: Event
    severity: Severity
    message: str
    value: float | None
    threshold: float
    unit: str
    since: datetime
    at: datetime
    duration_s: float | None = None  # resolved: how long it fired
    environment: str = "development"
    incident: IncidentNote | None = None  # the provider incident behind it, if one is open
    # Other alerts firing from the same provider incident, sent in this one update.
    grouped: list[str] = []
    runbook: list[str] = []  # the guide's procedure, evidence filled in (lib/alerts/runbooks.toml)
    # Incident response (SPEC §12): the episode this event belongs to (one dedup key per episode),
    # the escalation level it reached, and the signed acknowledge link of a firing episode.
    episode: str | None = None
    level: int = 1
    ack_url: str | None = None


def idempotency_key(notification: Notification) -> str:
    """The same event always carries the same key: Resend deduplicates it for 24 h, and webhook
    receivers that honour an `Idempotency-Key` header can too."""
    return f"carbot-alert-{notification.id}"


class Notifier(Protocol):
    """Delivers one notification or raises NotifyError. A channel also has `severities`, the
    ones it receives (see accepts); lib/notify/channels/base.py is the contract of a channel."""

    name: str

    def send(self, notification: Notification) -> None: ...


def post_once(
    who: str,
    url: str,
    headers: Mapping[str, str] | None,
    timeout: float,
    *,
    json: Mapping[str, object] | None = None,
    content: bytes | None = None,
) -> httpx.Response:
    """One POST, no redirects, over the shared TLS context; no answer is a NotifyError
    "<who>: <reason>" (the reason alone when `who` is empty), never the URL. Any answer is
    returned: what a status means is the caller's."""
    import httpx

    from lib.core import tls

    try:
        return httpx.post(
            url,
            json=json,
            content=content,
            headers=headers,
            timeout=timeout,
            follow_redirects=False,
            verify=tls.ssl_context(),
        )
    except httpx.HTTPError as error:
        reason = reason_for(error)
        raise NotifyError(f"{who}: {reason}" if who else reason) from None


def post_json(
    who: str,
    url: str,
    payload: Mapping[str, object],
    headers: Mapping[str, str] | None = None,
    detail: Callable[[httpx.Response], str] = lambda response: "",
    timeout: float | None = None,
) -> httpx.Response:
    """POST `payload` within `timeout` (SEND_TIMEOUT_S, read at the call); a failure or a non-2xx
    answer is a NotifyError that names `who` (never the URL) and adds `detail(response)` to the
    status. Returns the answer."""
    response = post_once(
        who, url, headers, SEND_TIMEOUT_S if timeout is None else timeout, json=payload
    )
    if response.status_code >= 300:
        raise NotifyError(f"{who} answered {response.status_code}{detail(response)}")
    return response


def accepts(notifier: Notifier, notification: Notification) -> bool:
    """Whether this channel receives this severity (a notifier without a filter takes all)."""
    severities = getattr(notifier, "severities", None)
    return severities is None or notification.severity in severities


def channel_states(settings: Settings) -> dict[str, Notifier | NotConfigured]:
    """Every channel (lib/notify/channels): ready to send, or what to set first. A channel's
    invalid setting is a ConfigError naming it, as for every other setting."""
    from lib.notify.channels import CHANNELS

    states: dict[str, Notifier | NotConfigured] = {}
    for channel in CHANNELS:
        config = settings.section(channel.settings_model)
        missing = channel.not_configured(config, settings)
        states[channel.name] = missing if missing is not None else channel(config, settings)
    return states


def configured_notifiers(settings: Settings) -> list[Notifier]:
    """The channels ready to send, in the order of lib/notify/channels."""
    return [s for s in channel_states(settings).values() if not isinstance(s, NotConfigured)]
