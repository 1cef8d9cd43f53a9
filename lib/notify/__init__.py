"""Notifications: the message model, the Notifier protocol, and the notifiers configured."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal, Protocol

from pydantic import BaseModel

from lib.config import Settings

Event = Literal["firing", "reminder", "resolved"]
Severity = Literal["critical", "warning", "info"]

# Every notifier call gets at most this long; a slow target must not eat the cron's budget.
SEND_TIMEOUT_S = 5.0
# The alert engine reminds of a still-firing alert at most this often; every message says so.
REMIND_EVERY = timedelta(hours=6)


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


class NotifyError(Exception):
    """A notifier could not deliver; `reason` is short and secret-free (never the target URL)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Notifier(Protocol):
    """Delivers one notification or raises NotifyError."""

    name: str

    def send(self, notification: Notification) -> None: ...


def configured_notifiers(settings: Settings) -> list[Notifier]:
    """E-mail when Resend and both alert addresses are set; webhook when ALERT_WEBHOOK_URL is."""
    found: list[Notifier] = []
    if settings.resend_api_key and settings.alert_email_to and settings.alert_email_from:
        from lib.notify.resend import ResendNotifier

        found.append(ResendNotifier(settings))
    if settings.alert_webhook_url is not None:
        from lib.notify.webhook import WebhookNotifier

        found.append(WebhookNotifier(str(settings.alert_webhook_url)))
    return found
