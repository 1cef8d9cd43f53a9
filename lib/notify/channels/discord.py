"""Discord through a channel webhook (Execute Webhook): one embed per notification.

Limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits): title
256, description 4096, at most 25 fields of name 256 and value 1024, footer 2048, 6000
characters over all embeds; `content` at most 2000. `allowed_mentions: {"parse": []}` pings
nobody (https://discord.com/developers/docs/resources/message#allowed-mentions-object). Execute
Webhook (https://discord.com/developers/docs/resources/webhook#execute-webhook) answers 204
(200 with the message under `?wait=true`), 400 `{"code": 50035, "message": "Invalid Form
Body", "errors": ...}`, and 429 with `Retry-After` and a body `retry_after` in seconds
(https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic_settings import SettingsConfigDict

from lib.core.safe_text import discord
from lib.notify import Notification
from lib.notify.channels.chat_webhook import ChatWebhookChannel, ChatWebhookSettings
from lib.notify.channels.vendor_http import body_field, header_retry_after, post_within_budget
from lib.notify.message import (
    REMINDERS,
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

TITLE = 256
DESCRIPTION = 4096
FIELD_VALUE = 1024
MAX_FIELDS = 25
TOTAL = 6000
COLOR = {"critical": 0xB00020, "warning": 0xB26A00, "info": 0x1565C0}
RESOLVED_COLOR = 0x2E7D32


class DiscordSettings(ChatWebhookSettings):
    """DISCORD_WEBHOOK_URL, DISCORD_SEVERITIES (default critical,warning)."""

    model_config = SettingsConfigDict(env_prefix="DISCORD_")


class DiscordChannel(ChatWebhookChannel[DiscordSettings]):
    """The headline as the embed title, the message and runbook as its description."""

    name = "discord"
    settings_model = DiscordSettings

    @staticmethod
    def payload(n: Notification) -> dict[str, object]:
        title = f"{icon(n)} {event_subject(n, discord)}"[:TITLE]
        parts = [message(n, discord)]
        note = incident_line(n, discord)
        if note:
            parts.append(note)
        if n.grouped:
            parts.append(grouped_text(n, discord))
        link = ack_link(n)
        if link:
            parts.append(f"**[Acknowledge]({link})**")
        fields = [
            {"name": label, "value": discord(value, FIELD_VALUE - 24) or "-", "inline": True}
            for label, value in channel_facts(n)[:MAX_FIELDS]
        ]
        footer = f"CarBot Monitor ({REMINDERS})"
        used = len(title) + len(footer) + sum(len(f["name"]) + len(f["value"]) for f in fields)
        head = "\n".join(parts)
        room = min(DESCRIPTION, TOTAL - used) - len(head) - 20
        if n.runbook and room > 60:
            head += "\n\n**What to do**\n" + bounded_steps(n.runbook, discord, room)
        embed: dict[str, object] = {
            "title": title,
            "description": head[: min(DESCRIPTION, TOTAL - used)],
            "color": RESOLVED_COLOR if n.event == "resolved" else COLOR[n.severity],
            "fields": fields,
            "footer": {"text": footer},
            "timestamp": n.at.isoformat(),
        }
        if link:
            embed["url"] = link
        return {"allowed_mentions": {"parse": []}, "embeds": [embed]}

    def deliver(self, notification: Notification) -> None:
        post_within_budget(
            "discord",
            self._url,
            self.payload(notification),
            retry_after=_retry_after,
            detail=_discord_error,
        )


def _retry_after(response: httpx.Response) -> float | None:
    value = body_field(response, "retry_after")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return max(0.0, float(value))
    return header_retry_after(response)


def _discord_error(response: httpx.Response) -> str:
    code = body_field(response, "code")
    return f" (code {code})" if isinstance(code, int) else ""
