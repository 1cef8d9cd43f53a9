"""Microsoft Teams through a Workflows webhook ("Post to a channel when a webhook request is
received"): a message carrying one Adaptive Card.

The Office 365 connectors are retired; a Workflows webhook takes
`{"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
"content": <AdaptiveCard>}]}` (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook,
https://support.microsoft.com/en-us/office/create-incoming-webhooks-with-workflows-for-microsoft-teams-8ae491c7-0394-4861-ba59-055e33f75498).
The card (https://adaptivecards.io/explorer/AdaptiveCard.html, schema
http://adaptivecards.io/schemas/adaptive-card.json) is version 1.4 with TextBlock, FactSet and
Action.OpenUrl; a Teams message is at most 28 KB
(https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/format-your-bot-messages).
TextBlock text is a Markdown subset, escaped by safe_text.markdown. The flow answers 202; a
throttled one 429 with `Retry-After` (Power Automate limits,
https://learn.microsoft.com/en-us/power-automate/limits-and-config).
"""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from lib.core.safe_text import markdown
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

CARD_VERSION = "1.4"
RUNBOOK_TEXT = 8000  # well inside the 28 KB message with the rest of the card
COLOR = {"critical": "attention", "warning": "warning", "info": "accent"}


class TeamsSettings(ChatWebhookSettings):
    """TEAMS_WEBHOOK_URL (the Workflows trigger URL), TEAMS_SEVERITIES (critical,warning)."""

    model_config = SettingsConfigDict(env_prefix="TEAMS_")

    def secret_values(self) -> list[str]:
        # The trigger URL is signed in its query (`sig=`): the whole URL is the credential.
        url = self.webhook_url
        if url is None:
            return []
        signatures = [value for name, value in url.query_params() if name == "sig"]
        return [str(url), url.query or "", *signatures]


def _text(text: str, **style: object) -> dict[str, object]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


class TeamsChannel(ChatWebhookChannel[TeamsSettings]):
    """A headline, the message, a FactSet, the runbook and an Acknowledge button."""

    name = "teams"
    settings_model = TeamsSettings

    @staticmethod
    def card(n: Notification) -> dict[str, object]:
        color = "good" if n.event == "resolved" else COLOR[n.severity]
        body: list[dict[str, object]] = [
            _text(
                f"{icon(n)} {event_subject(n, markdown)}",
                weight="Bolder",
                size="Medium",
                color=color,
            ),
            _text(message(n, markdown)),
        ]
        note = incident_line(n, markdown)
        if note:
            body.append(_text(note, isSubtle=True))
        if n.grouped:
            body.append(_text(grouped_text(n, markdown)))
        facts = [{"title": label, "value": markdown(value)} for label, value in channel_facts(n)]
        body.append({"type": "FactSet", "facts": facts})
        if n.runbook:
            body.append(_text("What to do", weight="Bolder"))
            body.append(_text(bounded_steps(n.runbook, markdown, RUNBOOK_TEXT)))
        body.append(_text(f"CarBot Monitor ({REMINDERS})", isSubtle=True, size="Small"))
        card: dict[str, object] = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": CARD_VERSION,
            "body": body,
            "msteams": {"width": "Full"},
        }
        link = ack_link(n)
        if link:
            card["actions"] = [{"type": "Action.OpenUrl", "title": "Acknowledge", "url": link}]
        return card

    @classmethod
    def payload(cls, n: Notification) -> dict[str, object]:
        attachment = {
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": None,
            "content": cls.card(n),
        }
        return {"type": "message", "attachments": [attachment]}

    def deliver(self, notification: Notification) -> None:
        post_within_budget("teams", self._url, self.payload(notification))
