"""E-mail notifier: Resend `POST /emails` with HTML and text, subject starting with the severity."""

from __future__ import annotations

import httpx

from lib.core.config import Settings
from lib.notify import Notification, idempotency_key, post_json
from lib.notify.message import html_body, subject, text_body


class ResendNotifier:
    """Plain httpx rather than the resend SDK: explicit timeout, no module-global key."""

    name = "email"

    def __init__(self, settings: Settings) -> None:
        assert settings.resend_api_key is not None
        self._key = settings.resend_api_key
        self._url = str(settings.resend_api_url).rstrip("/") + "/emails"
        self._sender = settings.alert_email_from or ""
        self._to = [a.strip() for a in (settings.alert_email_to or "").split(",") if a.strip()]

    def payload(self, n: Notification) -> dict[str, object]:
        return {
            "from": self._sender,
            "to": self._to,
            "subject": subject(n),
            "html": html_body(n),
            "text": text_body(n),
            "tags": [{"name": "category", "value": "alert"}],
        }

    def send(self, notification: Notification) -> None:
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
