"""Webhook notifier: JSON POST with a Slack-compatible `text` field plus structured fields."""

from __future__ import annotations

from lib.core.safe_text import plain
from lib.notify import Notification, idempotency_key, post_json
from lib.notify.message import MESSAGE_LIMIT, chat_line


class WebhookNotifier:
    """ALERT_WEBHOOK_URL; the URL often holds a token, so it never appears in a reason."""

    name = "webhook"

    def __init__(self, url: str) -> None:
        self._url = url

    @staticmethod
    def payload(n: Notification) -> dict[str, object]:
        """`text` is escaped chat markup; the structured fields are cleaned plain text."""
        return {
            "text": chat_line(n),
            # Discord pings nobody from a message with an empty `parse`
            # (https://discord.com/developers/docs/resources/message#allowed-mentions-object);
            # Slack and Mattermost ignore the field.
            "allowed_mentions": {"parse": []},
            "event": n.event,
            "rule": plain(n.rule),
            "title": plain(n.title),
            "severity": n.severity,
            "message": plain(n.message, MESSAGE_LIMIT),
            "value": n.value,
            "threshold": n.threshold,
            "unit": n.unit,
            "since": n.since.isoformat(),
            "at": n.at.isoformat(),
            "duration_s": n.duration_s,
            "environment": n.environment,
            "id": n.id,
            "runbook": [plain(step) for step in n.runbook],
        }

    def send(self, notification: Notification) -> None:
        headers = {"Idempotency-Key": idempotency_key(notification)}
        post_json("webhook", self._url, self.payload(notification), headers)
