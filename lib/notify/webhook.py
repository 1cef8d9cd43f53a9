"""Webhook notifier: JSON POST with a Slack-compatible `text` field plus structured fields."""

from __future__ import annotations

from lib.notify import Notification, idempotency_key, post_json
from lib.notify.message import chat_line


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
            "runbook": n.runbook,
        }

    def send(self, notification: Notification) -> None:
        headers = {"Idempotency-Key": idempotency_key(notification)}
        post_json("webhook", self._url, self.payload(notification), headers)
