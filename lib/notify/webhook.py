"""Webhook notifier: JSON POST with a Slack-compatible `text` field plus structured fields."""

from __future__ import annotations

import httpx

from lib import tls
from lib.notify import SEND_TIMEOUT_S, Notification, NotifyError
from lib.notify.message import chat_line
from lib.probes import describe_http_error


class WebhookNotifier:
    """ALERT_WEBHOOK_URL; the URL often holds a token, so it never appears in a reason."""

    name = "webhook"

    def __init__(self, url: str) -> None:
        self._url = url

    @staticmethod
    def payload(n: Notification) -> dict[str, object]:
        return {
            "text": chat_line(n),
            "event": n.event,
            "rule": n.rule,
            "title": n.title,
            "severity": n.severity,
            "message": n.message,
            "value": n.value,
            "threshold": n.threshold,
            "unit": n.unit,
            "since": n.since.isoformat(),
            "at": n.at.isoformat(),
            "duration_s": n.duration_s,
            "environment": n.environment,
            "id": n.id,
        }

    def send(self, notification: Notification) -> None:
        try:
            response = httpx.post(
                self._url,
                json=self.payload(notification),
                timeout=SEND_TIMEOUT_S,
                follow_redirects=False,
                verify=tls.ssl_context(),
            )
        except httpx.HTTPError as error:
            raise NotifyError(f"webhook: {describe_http_error(error)}") from None
        if response.status_code >= 300:
            raise NotifyError(f"webhook answered {response.status_code}")
