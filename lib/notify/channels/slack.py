"""Slack through an incoming webhook: a Block Kit message with a plain-text fallback.

Limits (Slack, "Block Kit" reference https://api.slack.com/reference/block-kit/blocks and
https://docs.slack.dev/reference/block-kit/blocks/section-block): at most 50 blocks a message,
a section's `text` at most 3000 characters and at most 10 `fields` of 2000 each, a header's
plain_text at most 150, a button's `url` at most 3000. Text is mrkdwn escaped as Slack asks
(`& < >`, https://api.slack.com/reference/surfaces/formatting#escaping: safe_text.chat). The
webhook answers 200 `ok`, an error as text (`invalid_blocks`, `channel_not_found`, ...) and 429
with `Retry-After` (https://api.slack.com/messaging/webhooks#handling_errors,
https://api.slack.com/apis/rate-limits).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic_settings import SettingsConfigDict

from lib.core.safe_text import chat
from lib.notify import Notification
from lib.notify.channels.chat_webhook import ChatWebhookChannel, ChatWebhookSettings
from lib.notify.channels.vendor_http import post_within_budget
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

SECTION_TEXT = 3000
FIELD_TEXT = 2000
HEADER_TEXT = 150
MAX_FIELDS = 10


class SlackSettings(ChatWebhookSettings):
    """SLACK_WEBHOOK_URL, SLACK_SEVERITIES (default critical,warning)."""

    model_config = SettingsConfigDict(env_prefix="SLACK_")


class SlackChannel(ChatWebhookChannel[SlackSettings]):
    """Block Kit: a header, the message, the facts as fields, the runbook, the ack button."""

    name = "slack"
    settings_model = SlackSettings

    @staticmethod
    def payload(n: Notification) -> dict[str, object]:
        header = f"{icon(n)} {event_subject(n, chat)}"
        body = message(n, chat)
        note = incident_line(n, chat)
        if note:
            body += f"\n{note}"
        if n.grouped:
            body += "\n" + grouped_text(n, chat)
        fields = [
            {"type": "mrkdwn", "text": f"*{label}*\n{chat(value, FIELD_TEXT - 40)}"}
            for label, value in channel_facts(n)[:MAX_FIELDS]
        ]
        blocks: list[dict[str, object]] = [
            {"type": "header", "text": {"type": "plain_text", "text": header[:HEADER_TEXT]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": body[:SECTION_TEXT]}},
            {"type": "section", "fields": fields},
        ]
        if n.runbook:
            steps = bounded_steps(n.runbook, chat, SECTION_TEXT - 20)
            blocks.append(
                {"type": "section", "text": {"type": "mrkdwn", "text": f"*What to do*\n{steps}"}}
            )
        link = ack_link(n)
        if link:
            button = {
                "type": "button",
                "text": {"type": "plain_text", "text": "Acknowledge"},
                "url": link,
                "style": "danger",
            }
            blocks.append({"type": "actions", "elements": [button]})
        footer = {"type": "mrkdwn", "text": f"CarBot Monitor ({REMINDERS})"}
        blocks.append({"type": "context", "elements": [footer]})
        # `text` is the notification and screen-reader fallback Slack asks for beside blocks.
        return {"text": f"{event_subject(n, chat)} - {message(n, chat)}", "blocks": blocks}

    def deliver(self, notification: Notification) -> None:
        post_within_budget("slack", self._url, self.payload(notification), detail=_slack_error)


def _slack_error(response: httpx.Response) -> str:
    """Slack's error word (`invalid_blocks`), only when it is one: never echoed free text."""
    word = response.text.strip()[:60]
    return f" ({word})" if word.replace("_", "").isalnum() else ""
