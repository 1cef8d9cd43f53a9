"""Generic webhook: a JSON POST with a Slack-compatible `text` field plus structured fields."""

from __future__ import annotations

from pydantic import HttpUrl
from pydantic_settings import SettingsConfigDict

from lib.core.config import Settings
from lib.core.not_configured import NotConfigured, missing
from lib.core.safe_text import plain
from lib.notify import Notification, idempotency_key, post_json
from lib.notify.channels.base import EVERY_SEVERITY, Channel, ChannelSettings, Severities
from lib.notify.message import MESSAGE_LIMIT, ack_link, chat_line


class WebhookSettings(ChannelSettings):
    """ALERT_WEBHOOK_URL, ALERT_WEBHOOK_SEVERITIES."""

    model_config = SettingsConfigDict(env_prefix="ALERT_WEBHOOK_")

    url: HttpUrl | None = None
    severities: Severities = EVERY_SEVERITY

    def secret_values(self) -> list[str]:
        # Slack-style URLs carry their token in the path.
        return [str(self.url), self.url.path or ""] if self.url is not None else []


class WebhookChannel(Channel[WebhookSettings]):
    """The URL often holds a token, so it never appears in a reason."""

    name = "webhook"
    settings_model = WebhookSettings

    @classmethod
    def not_configured(cls, config: WebhookSettings, settings: Settings) -> NotConfigured | None:
        return missing(ALERT_WEBHOOK_URL=config.url)

    def __init__(self, config: WebhookSettings, settings: Settings) -> None:
        super().__init__(config, settings)
        self._url = str(config.url)

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
            # Incident response (docs/alerts.md): the episode, the level reached, the signed link.
            "episode": n.episode,
            "level": n.level,
            "ack_url": ack_link(n),
        }

    def deliver(self, notification: Notification) -> None:
        headers = {"Idempotency-Key": idempotency_key(notification)}
        post_json("webhook", self._url, self.payload(notification), headers)
