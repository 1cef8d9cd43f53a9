"""Fake Slack, Discord and Teams webhooks on 127.0.0.1: each checks what its vendor documents
and answers as its vendor does (success, error bodies, 429 with the wait it asks for).

Sources (read for these fakes):
- Slack incoming webhooks, answers and errors: https://api.slack.com/messaging/webhooks
  (200 `ok`; 400 `invalid_payload`/`invalid_blocks`; 404 `channel_not_found`), rate limits
  https://api.slack.com/apis/rate-limits (429 + `Retry-After`); Block Kit limits
  https://api.slack.com/reference/block-kit/blocks (50 blocks; section text 3000, 10 fields of
  2000; header plain_text 150; context 10 elements; actions 25; button text 75, url 3000).
- Discord Execute Webhook https://discord.com/developers/docs/resources/webhook#execute-webhook
  (204, or 200 with `?wait=true`), embed limits
  https://discord.com/developers/docs/resources/message#embed-object-embed-limits, errors
  https://discord.com/developers/docs/topics/opcodes-and-status-codes#json (50035 Invalid Form
  Body), rate limits https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit
  (`{"message", "retry_after", "global"}` + `Retry-After`).
- Teams Workflows webhook: `{"type": "message", "attachments": [{"contentType":
  "application/vnd.microsoft.card.adaptive", "content": AdaptiveCard}]}`
  https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook
  (28 KB message); the card's essentials from https://adaptivecards.io/explorer/AdaptiveCard.html
  (`type: AdaptiveCard`, `version`, `body` of elements, `actions`); the flow answers 202.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tests.fakes import FakeRequest
from tests.fakes.vendor_fake import Raw, VendorFake

# -- Slack ------------------------------------------------------------------------------------

BLOCK_TYPES = {"header", "section", "context", "actions", "divider", "image", "rich_text"}
TEXT_TYPES = {"plain_text", "mrkdwn"}


def slack_problems(body: Any) -> list[str]:
    """What Slack's Block Kit limits reject in an incoming-webhook body (empty: valid)."""
    if not isinstance(body, dict) or not (body.get("text") or body.get("blocks")):
        return ["invalid_payload: no text or blocks"]
    blocks = body.get("blocks") or []
    found = [] if len(blocks) <= 50 else [f"{len(blocks)} blocks > 50"]

    def text(obj: Any, where: str, limit: int, kinds: set[str] = TEXT_TYPES) -> None:
        if not isinstance(obj, dict) or obj.get("type") not in kinds:
            found.append(f"{where}: not a {'/'.join(sorted(kinds))} text object")
        elif not isinstance(obj.get("text"), str) or not 1 <= len(obj["text"]) <= limit:
            found.append(f"{where}: text empty or over {limit}")

    for i, block in enumerate(blocks):
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            found.append(f"block {i}: unknown type {kind!r}")
        elif kind == "header":
            text(block.get("text"), f"header {i}", 150, {"plain_text"})
        elif kind == "section":
            if "text" not in block and "fields" not in block:
                found.append(f"section {i}: neither text nor fields")
            if "text" in block:
                text(block["text"], f"section {i}", 3000)
            fields = block.get("fields", [])
            if len(fields) > 10:
                found.append(f"section {i}: {len(fields)} fields > 10")
            for field in fields:
                text(field, f"section {i} field", 2000)
        elif kind == "context":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= 10:
                found.append(f"context {i}: {len(elements)} elements")
            for element in elements:
                text(element, f"context {i}", 3000)
        elif kind == "actions":
            for element in block.get("elements", []):
                text(element.get("text"), f"button {i}", 75, {"plain_text"})
                if len(element.get("url", "")) > 3000:
                    found.append(f"button {i}: url over 3000")
    return found


class FakeSlack(VendorFake):
    """`POST /services/<T>/<B>/<secret>`: 200 `ok`, 400 `invalid_blocks`, 429 `rate_limited`."""

    PATH = "/services/T000/B000/slack-SECRET-hook"

    def __init__(self) -> None:
        super().__init__("slack")
        self.route("POST", r"/services/[A-Za-z0-9]+/[A-Za-z0-9]+/[A-Za-z0-9-]+")(self._post)

    @property
    def hook_url(self) -> str:
        return self.url + self.PATH

    def _post(self, request: FakeRequest) -> tuple[int, Any]:
        if request.path != self.PATH:
            return 404, Raw(b"no_team")
        problems = slack_problems(request.body)
        if problems:
            self.rejected += problems
            word = (
                "invalid_payload" if problems[0].startswith("invalid_payload") else "invalid_blocks"
            )
            return 400, Raw(word.encode())
        self.accepted.append(request.body)
        return 200, Raw(b"ok")


# -- Discord ----------------------------------------------------------------------------------


def discord_problems(body: Any) -> list[str]:
    """What Discord's embed limits reject in an Execute Webhook body (empty: valid)."""
    if not isinstance(body, dict) or not (body.get("content") or body.get("embeds")):
        return ["Cannot send an empty message"]
    found = []
    if len(body.get("content") or "") > 2000:
        found.append("content over 2000")
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        found.append("more than 10 embeds")
    total = 0
    for i, embed in enumerate(embeds):
        for key, limit in (("title", 256), ("description", 4096)):
            value = embed.get(key) or ""
            total += len(value)
            if len(value) > limit:
                found.append(f"embeds.{i}.{key} over {limit}")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            found.append(f"embeds.{i}.fields: {len(fields)} > 25")
        for field in fields:
            name, value = field.get("name") or "", field.get("value") or ""
            total += len(name) + len(value)
            if not 1 <= len(name) <= 256 or not 1 <= len(value) <= 1024:
                found.append(f"embeds.{i}.fields: name 1-256, value 1-1024")
        footer = (embed.get("footer") or {}).get("text") or ""
        total += len(footer)
        if len(footer) > 2048:
            found.append(f"embeds.{i}.footer over 2048")
        if not isinstance(embed.get("color", 0), int):
            found.append(f"embeds.{i}.color not an integer")
    if total > 6000:
        found.append(f"embeds total {total} > 6000")
    return found


class FakeDiscord(VendorFake):
    """`POST /api/webhooks/<id>/<token>`: 204, 400 code 50035, 429 with `retry_after`."""

    PATH = "/api/webhooks/123456789/discord-SECRET-token"

    def __init__(self) -> None:
        super().__init__("discord")
        self.retry_after = 0.2  # Discord's waits are fractional seconds
        self.route("POST", r"/api/webhooks/[0-9]+/[A-Za-z0-9_-]+")(self._post)

    @property
    def hook_url(self) -> str:
        return self.url + self.PATH

    def reset(self) -> None:
        super().reset()
        self.retry_after = 0.2

    def too_many(self) -> tuple[int, Any]:
        return 429, {
            "message": "You are being rate limited.",
            "retry_after": self.retry_after,
            "global": False,
        }

    def _post(self, request: FakeRequest) -> tuple[int, Any]:
        if request.path != self.PATH:
            return 401, {"message": "Invalid Webhook Token", "code": 50027}
        problems = discord_problems(request.body)
        if problems:
            self.rejected += problems
            errors = {
                "embeds": {
                    "_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": p} for p in problems]
                }
            }
            return 400, {"code": 50035, "errors": errors, "message": "Invalid Form Body"}
        self.accepted.append(request.body)
        return 204, Raw(b"")


# -- Microsoft Teams (Workflows) --------------------------------------------------------------

CARD_ELEMENTS = {"TextBlock", "FactSet", "Container", "ColumnSet", "Image", "ActionSet"}
CARD_ACTIONS = {"Action.OpenUrl", "Action.Submit", "Action.ShowCard", "Action.Execute"}
ADAPTIVE = "application/vnd.microsoft.card.adaptive"
MESSAGE_BYTES = 28 * 1024


def teams_problems(body: Any) -> list[str]:
    """What a Workflows webhook (and the Adaptive Card schema's essentials) reject."""
    if not isinstance(body, dict) or body.get("type") != "message":
        return ["type must be 'message'"]
    found = []
    if len(json.dumps(body).encode()) > MESSAGE_BYTES:
        found.append("message over 28 KB")
    attachments = body.get("attachments")
    if not isinstance(attachments, list) or not attachments:
        return [*found, "attachments must be a non-empty list"]
    for attachment in attachments:
        if attachment.get("contentType") != ADAPTIVE:
            found.append(f"contentType {attachment.get('contentType')!r}")
        card = attachment.get("content") or {}
        if card.get("type") != "AdaptiveCard":
            found.append("content.type must be AdaptiveCard")
        if not re.fullmatch(r"1\.[0-6]", str(card.get("version", ""))):
            found.append(f"version {card.get('version')!r} (Teams renders 1.0-1.5/1.6)")
        for element in card.get("body") or []:
            kind = element.get("type")
            if kind not in CARD_ELEMENTS:
                found.append(f"unknown element {kind!r}")
            elif kind == "TextBlock" and not isinstance(element.get("text"), str):
                found.append("TextBlock without text")
            elif kind == "FactSet" and not all(
                isinstance(f.get("title"), str) and isinstance(f.get("value"), str)
                for f in element.get("facts", [])
            ):
                found.append("FactSet fact without title/value")
        if not isinstance(card.get("body"), list):
            found.append("body must be a list")
        for action in card.get("actions") or []:
            if action.get("type") not in CARD_ACTIONS:
                found.append(f"unknown action {action.get('type')!r}")
            if action.get("type") == "Action.OpenUrl" and not action.get("url"):
                found.append("Action.OpenUrl without url")
    return found


class FakeTeams(VendorFake):
    """`POST /workflows/<id>/triggers/manual/paths/invoke?sig=…`: 202, 400, 429."""

    PATH = "/workflows/abc123/triggers/manual/paths/invoke"
    SIG = "teams-SECRET-sig"

    def __init__(self) -> None:
        super().__init__("teams")
        self.route("POST", r"/workflows/[a-z0-9]+/triggers/manual/paths/invoke")(self._post)

    @property
    def hook_url(self) -> str:
        return f"{self.url}{self.PATH}?api-version=1&sig={self.SIG}"

    def too_many(self) -> tuple[int, Any]:
        message = "Rate limit is exceeded. Try again in 1 seconds."
        return 429, {"error": {"code": "WorkflowRequestsThrottled", "message": message}}

    def _post(self, request: FakeRequest) -> tuple[int, Any]:
        if request.arg("sig") != self.SIG:
            message = "The provided authentication token is not valid."
            return 401, {
                "error": {"code": "DirectApiInvalidAuthorizationSignature", "message": message}
            }
        problems = teams_problems(request.body)
        if problems:
            self.rejected += problems
            return 400, {"error": {"code": "InvalidRequestContent", "message": problems[0]}}
        self.accepted.append(request.body)
        return 202, Raw(b"")
