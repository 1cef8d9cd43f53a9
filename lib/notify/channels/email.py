"""E-mail through Resend `POST /emails`: HTML and text, the subject starting with the severity."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic_settings import SettingsConfigDict

from lib.core.config import Settings
from lib.core.not_configured import NotConfigured, missing
from lib.notify import Notification, idempotency_key, post_json
from lib.notify.channels.base import EVERY_SEVERITY, Channel, ChannelSettings, Severities
from lib.notify.message import html_body, subject, text_body

if TYPE_CHECKING:
    import httpx


class EmailSettings(ChannelSettings):
    """ALERT_EMAIL_TO (comma list), ALERT_EMAIL_SEVERITIES; the key, API URL and sender
    (RESEND_API_KEY, RESEND_API_URL, ALERT_EMAIL_FROM) are shared with the reports."""

    model_config = SettingsConfigDict(env_prefix="ALERT_EMAIL_")

    to: str | None = None
    severities: Severities = EVERY_SEVERITY


class EmailChannel(Channel[EmailSettings]):
    """Plain httpx rather than the resend SDK: explicit timeout, no module-global key."""

    name = "email"
    settings_model = EmailSettings

    @classmethod
    def not_configured(cls, config: EmailSettings, settings: Settings) -> NotConfigured | None:
        return missing(
            RESEND_API_KEY=settings.resend_api_key,
            ALERT_EMAIL_FROM=settings.alert_email_from,
            ALERT_EMAIL_TO=config.to,
        )

    def __init__(self, config: EmailSettings, settings: Settings) -> None:
        super().__init__(config, settings)
        assert settings.resend_api_key is not None
        self._key = settings.resend_api_key
        self._url = str(settings.resend_api_url).rstrip("/") + "/emails"
        self._sender = settings.alert_email_from or ""
        self._to = [a.strip() for a in (config.to or "").split(",") if a.strip()]

    def payload(self, n: Notification) -> dict[str, object]:
        return {
            "from": self._sender,
            "to": self._to,
            "subject": subject(n),
            "html": html_body(n),
            "text": text_body(n),
            "tags": [{"name": "category", "value": "alert"}],
        }

    def deliver(self, notification: Notification) -> None:
        headers = {
            "Authorization": f"Bearer {self._key.get_secret_value()}",
            # A retry of the same event is deduplicated by Resend for 24 h.
            "Idempotency-Key": idempotency_key(notification),
        }
        post_json("resend", self._url, self.payload(notification), headers, _error_name)


def _error_name(response: httpx.Response) -> str:
    try:
        name = response.json().get("name")
    except (ValueError, AttributeError):
        return ""
    return f" ({name})" if isinstance(name, str) and name.isidentifier() else ""
