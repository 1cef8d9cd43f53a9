"""Telegram through the Bot API `sendMessage`: an HTML message, an Acknowledge URL button.

https://core.telegram.org/bots/api#sendmessage: `text` is 1-4096 characters after entities are
parsed; with `parse_mode` HTML every `<`, `>` and `&` that is not markup must be an entity, and
numeric entities are allowed (https://core.telegram.org/bots/api#html-style: safe_text.html).
Answers are `{"ok": true, "result": Message}` or `{"ok": false, "error_code", "description",
"parameters": {"retry_after": N}}` on a 429 (https://core.telegram.org/bots/api#making-requests,
https://core.telegram.org/bots/api#responseparameters, https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import HttpUrl, SecretStr
from pydantic_settings import SettingsConfigDict

from lib.core import safe_text
from lib.core.config import Settings
from lib.core.not_configured import NotConfigured, missing
from lib.notify import Notification
from lib.notify.channels.base import CHAT_SEVERITIES, Channel, ChannelSettings, Severities
from lib.notify.channels.vendor_http import body_field, header_retry_after, post_within_budget
from lib.notify.message import (
    ack_link,
    bounded_steps,
    channel_facts,
    event_subject,
    grouped_text,
    icon,
    incident_line,
    message,
)

if TYPE_CHECKING:
    import httpx

TEXT_LIMIT = 4096
html = safe_text.html


class TelegramSettings(ChannelSettings):
    """TELEGRAM_BOT_TOKEN, TELEGRAM_CHAT_ID, TELEGRAM_API_URL, TELEGRAM_SEVERITIES."""

    model_config = SettingsConfigDict(env_prefix="TELEGRAM_")

    bot_token: SecretStr | None = None
    chat_id: str | None = None  # a number, or @channelusername
    api_url: HttpUrl = HttpUrl("https://api.telegram.org")
    severities: Severities = CHAT_SEVERITIES


class TelegramChannel(Channel[TelegramSettings]):
    """The token is in the request path, so it never appears in a reason."""

    name = "telegram"
    settings_model = TelegramSettings

    @classmethod
    def not_configured(cls, config: TelegramSettings, settings: Settings) -> NotConfigured | None:
        return missing(TELEGRAM_BOT_TOKEN=config.bot_token, TELEGRAM_CHAT_ID=config.chat_id)

    def __init__(self, config: TelegramSettings, settings: Settings) -> None:
        super().__init__(config, settings)
        assert config.bot_token is not None
        token = config.bot_token.get_secret_value()
        self._url = f"{str(config.api_url).rstrip('/')}/bot{token}/sendMessage"
        self._chat = config.chat_id or ""

    @staticmethod
    def text(n: Notification) -> str:
        lines = [f"{icon(n)} <b>{event_subject(n, html)}</b>", message(n, html)]
        note = incident_line(n, html)
        if note:
            lines.append(note)
        if n.grouped:
            lines.append(grouped_text(n, html))
        lines += ["", *(f"<b>{label}:</b> {html(value)}" for label, value in channel_facts(n))]
        link = ack_link(n)
        if link:
            lines += ["", f'<a href="{html(link, safe_text.LINK_LIMIT)}">Acknowledge</a>']
        text = "\n".join(lines)
        room = TEXT_LIMIT - len(text) - 40
        if n.runbook and room > 60:
            text += "\n\n<b>What to do</b>\n" + bounded_steps(n.runbook, html, room)
        return text

    def payload(self, n: Notification) -> dict[str, object]:
        body: dict[str, object] = {
            "chat_id": self._chat,
            "text": self.text(n),
            "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True},
            # Only a critical alert makes a sound.
            "disable_notification": n.severity != "critical" or n.event == "resolved",
        }
        link = ack_link(n)
        if link:
            button = {"text": "Acknowledge", "url": link}
            body["reply_markup"] = {"inline_keyboard": [[button]]}
        return body

    def deliver(self, notification: Notification) -> None:
        post_within_budget(
            "telegram",
            self._url,
            self.payload(notification),
            retry_after=_retry_after,
            detail=_telegram_error,
        )


def _retry_after(response: httpx.Response) -> float | None:
    value = body_field(response, "parameters", "retry_after")
    if isinstance(value, int) and not isinstance(value, bool):
        return float(max(0, value))
    return header_retry_after(response)


def _telegram_error(response: httpx.Response) -> str:
    code = body_field(response, "error_code")
    return f" (error_code {code})" if isinstance(code, int) else ""
