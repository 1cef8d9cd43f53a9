"""The shared shape of the chat channels that one webhook URL sets up (Slack, Discord, Teams)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import HttpUrl

from lib.core.config import Settings
from lib.core.not_configured import NotConfigured, missing
from lib.notify.channels.base import CHAT_SEVERITIES, Channel, ChannelSettings, Severities


class ChatWebhookSettings(ChannelSettings):
    """`<PREFIX>WEBHOOK_URL` and `<PREFIX>SEVERITIES` (default critical,warning)."""

    section_base: ClassVar[bool] = True

    webhook_url: HttpUrl | None = None
    severities: Severities = CHAT_SEVERITIES

    def secret_values(self) -> list[str]:
        # Slack's and Discord's URLs carry the token in the path; Teams overrides (its query).
        url = self.webhook_url
        return [str(url), url.path or ""] if url is not None else []


class ChatWebhookChannel[Config: ChatWebhookSettings](Channel[Config]):
    """Posts to its settings' webhook URL; not configured until that URL is set."""

    @classmethod
    def not_configured(cls, config: Config, settings: Settings) -> NotConfigured | None:
        variable = cls.settings_model.env_names()["webhook_url"]
        return missing(**{variable: config.webhook_url})

    def __init__(self, config: Config, settings: Settings) -> None:
        super().__init__(config, settings)
        self._url = str(config.webhook_url)
