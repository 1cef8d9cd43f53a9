"""Fake Telegram Bot API, ntfy server and PagerDuty Events API v2 on 127.0.0.1: each checks
what its vendor documents and answers in its vendor's shapes (429s included).

Sources (read for these fakes):
- Telegram https://core.telegram.org/bots/api#making-requests (`{"ok": true, "result": ...}`,
  `{"ok": false, "error_code", "description", "parameters"}`), #sendmessage (text 1-4096
  characters after entities parsing), #html-style (the tags allowed; `< > &` as entities;
  named entities `&lt; &gt; &amp; &quot;` and every numeric one), #responseparameters
  (`retry_after`).
- ntfy https://docs.ntfy.sh/publish/#publish-as-json (topic, message, title, tags, priority
  1-5, click, actions), #action-buttons (at most 3; view/broadcast/http), #access-tokens
  (Bearer), https://docs.ntfy.sh/config/#message-limits (4096 bytes); error JSON
  `{"code", "http", "error", "link"}` as ntfy's server answers (42901 on rate limits,
  https://docs.ntfy.sh/config/#rate-limiting).
- PagerDuty https://developer.pagerduty.com/docs/events-API-v2/trigger-events/ (required
  fields and enums, 255/1024 limits; acknowledge/resolve need only the key) and
  https://developer.pagerduty.com/docs/events-API-v2/overview/#response-codes--retry-logic
  (202 success, 400 `invalid event`, 429).
"""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser
from typing import Any

from tests.fakes import FakeRequest
from tests.fakes.vendor_fake import VendorFake

# -- Telegram ---------------------------------------------------------------------------------

TELEGRAM_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
NAMED_ENTITIES = {"lt", "gt", "amp", "quot"}


class _TelegramHTML(HTMLParser):
    """Telegram's HTML parse mode: only its tags, only its entities; counts the shown text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.errors: list[str] = []
        self.length = 0
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.errors.append(f'Unsupported start tag "{tag}"')
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.errors.append(f'Unmatched end tag "{tag}"')

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.errors.append("Unescaped < or >")
        self.length += len(data)

    def handle_entityref(self, name: str) -> None:
        if name not in NAMED_ENTITIES:
            self.errors.append(f'Unsupported entity "&{name};"')
        self.length += 1

    def handle_charref(self, name: str) -> None:
        self.length += 1


def telegram_problems(text: Any) -> list[str]:
    if not isinstance(text, str) or not text:
        return ["Bad Request: message text is empty"]
    if re.search(r"&(?!(?:[a-z]+|#[0-9]+|#x[0-9a-fA-F]+);)", text):
        return ["Bad Request: can't parse entities: unescaped &"]
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.open:
        parser.errors.append(f'Can\'t find end tag corresponding to start tag "{parser.open[-1]}"')
    if parser.errors:
        return [f"Bad Request: can't parse entities: {parser.errors[0]}"]
    if parser.length > 4096:
        return ["Bad Request: message is too long"]
    return []


class FakeTelegram(VendorFake):
    """`POST /bot<token>/sendMessage`: `{"ok": true, "result": Message}`; errors as documented."""

    TOKEN = "123456:telegram-SECRET-token"
    CHAT = "-1001234567890"

    def __init__(self) -> None:
        super().__init__("telegram")
        self._ids = itertools.count(1)
        self.route("POST", r"/bot(?P<token>[^/]+)/sendMessage")(self._send)

    def too_many(self) -> tuple[int, Any]:
        wait = int(self.retry_after)
        return 429, {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {wait}",
            "parameters": {"retry_after": wait},
        }

    def extra_headers(self, status: int) -> dict[str, str]:
        return {}  # Telegram says how long in the body only

    def _send(self, request: FakeRequest, token: str) -> tuple[int, Any]:
        if token != self.TOKEN:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        body = request.body if isinstance(request.body, dict) else {}
        if str(body.get("chat_id")) != self.CHAT:
            return 400, {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: chat not found",
            }
        if body.get("parse_mode") != "HTML":
            problems = [] if body.get("text") else ["Bad Request: message text is empty"]
        else:
            problems = telegram_problems(body.get("text"))
        if problems:
            self.rejected += problems
            return 400, {"ok": False, "error_code": 400, "description": problems[0]}
        self.accepted.append(body)
        message = {
            "message_id": next(self._ids),
            "date": 1764979200,
            "chat": {"id": int(self.CHAT), "title": "CarBot ops", "type": "supergroup"},
            "text": "(the text with its entities)",
        }
        return 200, {"ok": True, "result": message}


# -- ntfy -------------------------------------------------------------------------------------

NTFY_ACTIONS = {"view", "broadcast", "http"}


def ntfy_problems(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return ["invalid request: body must be JSON"]
    found = []
    if not isinstance(body.get("topic"), str) or not re.fullmatch(
        r"[-_A-Za-z0-9]{1,64}", body["topic"]
    ):
        found.append("invalid topic")
    priority = body.get("priority", 3)
    if not isinstance(priority, int) or not 1 <= priority <= 5:
        found.append("invalid priority")
    if len(str(body.get("message", "")).encode()) > 4096:
        found.append("message over 4096 bytes (would become an attachment)")
    if not all(isinstance(t, str) for t in body.get("tags", [])):
        found.append("tags must be strings")
    actions = body.get("actions", [])
    if len(actions) > 3:
        found.append("too many actions")
    for action in actions:
        if action.get("action") not in NTFY_ACTIONS or not action.get("label"):
            found.append("invalid action")
        elif action["action"] == "view" and not action.get("url"):
            found.append("view action without url")
    return found


class FakeNtfy(VendorFake):
    """`POST /` with a JSON message; optional Bearer token; answers the stored message."""

    TOPIC = "carbot-ntfy-SECRET-topic"
    TOKEN = "tk_ntfySECRETtoken0000000000000"

    def __init__(self) -> None:
        super().__init__("ntfy")
        self.require_token = True
        self._ids = itertools.count(1)
        self.route("POST", r"/")(self._publish)

    def too_many(self) -> tuple[int, Any]:
        return 429, {
            "code": 42901,
            "http": 429,
            "error": "limit reached: too many requests",
            "link": "https://ntfy.sh/docs/publish/#limitations",
        }

    def _publish(self, request: FakeRequest) -> tuple[int, Any]:
        if self.require_token and request.headers.get("authorization") != f"Bearer {self.TOKEN}":
            return 401, {
                "code": 40101,
                "http": 401,
                "error": "unauthorized",
                "link": "https://ntfy.sh/docs/publish/#authentication",
            }
        problems = ntfy_problems(request.body)
        if problems:
            self.rejected += problems
            return 400, {
                "code": 40001,
                "http": 400,
                "error": f"invalid request: {problems[0]}",
                "link": "https://ntfy.sh/docs/publish/#publish-as-json",
            }
        self.accepted.append(request.body)
        body = request.body
        return 200, {
            "id": f"msg{next(self._ids):08d}",
            "time": 1764979200,
            "expires": 1765022400,
            "event": "message",
            "topic": body["topic"],
            "title": body.get("title"),
            "message": body.get("message"),
            "priority": body.get("priority", 3),
            "tags": body.get("tags", []),
        }


# -- PagerDuty --------------------------------------------------------------------------------

PD_ACTIONS = {"trigger", "acknowledge", "resolve"}
PD_SEVERITIES = {"critical", "error", "warning", "info"}


def pagerduty_problems(body: Any) -> list[str]:
    if not isinstance(body, dict):
        return ["Event object is invalid"]
    found = []
    key = body.get("routing_key")
    if not isinstance(key, str) or len(key) != 32:
        found.append("Length of 'routing_key' is incorrect (should be 32 characters)")
    action = body.get("event_action")
    if action not in PD_ACTIONS:
        found.append("'event_action' is invalid (must be one of trigger, acknowledge, resolve)")
    dedup = body.get("dedup_key")
    if dedup is not None and (not isinstance(dedup, str) or len(dedup) > 255):
        found.append("'dedup_key' must be a string of at most 255 characters")
    if action in ("acknowledge", "resolve") and not dedup:
        found.append("'dedup_key' is required for acknowledge and resolve")
    if action == "trigger":
        payload = body.get("payload") or {}
        summary = payload.get("summary")
        if not isinstance(summary, str) or not 1 <= len(summary) <= 1024:
            found.append("'payload.summary' is missing or longer than 1024 characters")
        if not payload.get("source"):
            found.append("'payload.source' is missing")
        if payload.get("severity") not in PD_SEVERITIES:
            found.append("'payload.severity' is invalid")
        if not all(isinstance(link, dict) and link.get("href") for link in body.get("links", [])):
            found.append("'links' entries need an href")
    return found


class FakePagerDuty(VendorFake):
    """`POST /v2/enqueue`: 202 success, 400 invalid event, 429; tracks each dedup key's alert
    state (triggered, acknowledged, resolved) as PagerDuty applies events to one open alert."""

    ROUTING_KEY = "R0utingKeySECRET0000000000000032"

    def __init__(self) -> None:
        super().__init__("pagerduty")
        self.alerts: dict[str, str] = {}
        self.route("POST", r"/v2/enqueue")(self._enqueue)

    def reset(self) -> None:
        super().reset()
        self.alerts.clear()

    def too_many(self) -> tuple[int, Any]:
        return 429, {
            "status": "throttle event",
            "message": "Requests for this service are arriving too quickly.  Please retry later.",
        }

    def _enqueue(self, request: FakeRequest) -> tuple[int, Any]:
        problems = pagerduty_problems(request.body)
        if problems:
            self.rejected += problems
            return 400, {
                "status": "invalid event",
                "message": "Event object is invalid",
                "errors": problems,
            }
        body = request.body
        self.accepted.append(body)
        key = body.get("dedup_key") or f"generated-{len(self.accepted)}"
        state = self.alerts.get(key)
        action = body["event_action"]
        if action == "trigger" and state in (None, "resolved"):
            self.alerts[key] = "triggered"
        elif action == "acknowledge" and state == "triggered":
            self.alerts[key] = "acknowledged"
        elif action == "resolve" and state in ("triggered", "acknowledged"):
            self.alerts[key] = "resolved"
        return 202, {"status": "success", "message": "Event processed", "dedup_key": key}
