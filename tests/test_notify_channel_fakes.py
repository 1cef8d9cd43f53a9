"""The chat and paging fakes (tests/fakes/chat_vendors.py, paging_vendors.py) accept the
vendors' documented examples unchanged, reject what the vendors' limits reject, and answer in
the vendors' shapes, 429s included."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.chat_vendors import FakeDiscord, FakeSlack, FakeTeams
from tests.fakes.paging_vendors import FakeNtfy, FakePagerDuty, FakeTelegram
from tests.fakes.vendor_fake import VendorFake
from tests.local_http import LOCAL_HTTP

VENDORS = Path(__file__).resolve().parent / "fixtures" / "vendors"


def example(name: str) -> Any:
    return json.loads((VENDORS / name).read_text())


@pytest.fixture(scope="module")
def fakes() -> Iterator[dict[str, VendorFake]]:
    found: dict[str, VendorFake] = {
        "slack": FakeSlack(),
        "discord": FakeDiscord(),
        "teams": FakeTeams(),
        "telegram": FakeTelegram(),
        "ntfy": FakeNtfy(),
        "pagerduty": FakePagerDuty(),
    }
    yield found
    for fake in found.values():
        fake.close()


@pytest.fixture(autouse=True)
def _reset(fakes: dict[str, VendorFake]) -> None:
    for fake in fakes.values():
        fake.reset()


def url_of(fakes: dict[str, VendorFake], name: str) -> str:
    fake = fakes[name]
    if name == "telegram":
        return f"{fake.url}/bot{FakeTelegram.TOKEN}/sendMessage"
    if name == "ntfy":
        return fake.url + "/"
    if name == "pagerduty":
        return fake.url + "/v2/enqueue"
    return fake.hook_url  # type: ignore[attr-defined,no-any-return]


def post(fakes: dict[str, VendorFake], name: str, body: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {FakeNtfy.TOKEN}"} if name == "ntfy" else {}
    return LOCAL_HTTP.post(url_of(fakes, name), json=body, headers=headers, timeout=5)


@pytest.mark.parametrize(
    ("name", "fixture", "status"),
    [
        ("slack", "slack/block-kit-message.json", 200),
        ("discord", "discord/execute-webhook-embed.json", 204),
        ("teams", "teams/workflows-adaptive-card.json", 202),
        ("telegram", "telegram/sendMessage-request.json", 200),
        ("ntfy", "ntfy/publish-json.json", 200),
        ("pagerduty", "pagerduty/trigger.json", 202),
        ("pagerduty", "pagerduty/acknowledge.json", 202),
        ("pagerduty", "pagerduty/resolve.json", 202),
    ],
)
def test_documented_examples_are_accepted_unchanged(
    fakes: dict[str, VendorFake], name: str, fixture: str, status: int
) -> None:
    response = post(fakes, name, example(fixture))
    assert response.status_code == status, response.text
    assert fakes[name].accepted == [example(fixture)]
    if name == "slack":
        assert response.text == "ok"
    if name == "telegram":
        assert response.json()["ok"] is True and "message_id" in response.json()["result"]
    if name == "pagerduty":
        assert response.json() == {
            "status": "success",
            "message": "Event processed",
            "dedup_key": "samplekeyhere",
        }


def _many_blocks() -> dict[str, Any]:
    block = {"type": "section", "text": {"type": "mrkdwn", "text": "x"}}
    return {"text": "x", "blocks": [block] * 51}


def _long_embed() -> dict[str, Any]:
    fields = [{"name": "n", "value": "v" * 1000} for _ in range(7)]
    return {"embeds": [{"title": "t", "description": "d", "fields": fields}]}


BAD = [
    ("slack", _many_blocks(), 400, "invalid_blocks"),
    (
        "slack",
        {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]},
        400,
        "invalid_blocks",
    ),
    ("slack", {"username": "x"}, 400, "invalid_payload"),
    ("discord", _long_embed(), 400, "Invalid Form Body"),
    ("discord", {"embeds": [{"title": "t" * 257}]}, 400, "Invalid Form Body"),
    (
        "teams",
        {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "content": {"type": "AdaptiveCard", "body": []},
                }
            ],
        },
        400,
        "version",
    ),
    ("teams", {"text": "an old connector MessageCard"}, 400, "message"),
    (
        "telegram",
        {"chat_id": FakeTelegram.CHAT, "text": "<script>x</script>", "parse_mode": "HTML"},
        400,
        "can't parse entities",
    ),
    (
        "telegram",
        {"chat_id": FakeTelegram.CHAT, "text": "a" * 4097, "parse_mode": "HTML"},
        400,
        "message is too long",
    ),
    ("ntfy", {"topic": "t", "message": "m", "priority": 6}, 400, "invalid priority"),
    (
        "pagerduty",
        {
            "routing_key": FakePagerDuty.ROUTING_KEY,
            "event_action": "trigger",
            "payload": {"summary": "s" * 1025, "source": "x", "severity": "critical"},
        },
        400,
        "1024",
    ),
    (
        "pagerduty",
        {"routing_key": FakePagerDuty.ROUTING_KEY, "event_action": "acknowledge"},
        400,
        "dedup_key",
    ),
    (
        "pagerduty",
        {
            "routing_key": FakePagerDuty.ROUTING_KEY,
            "event_action": "trigger",
            "payload": {"summary": "s", "source": "x", "severity": "high"},
        },
        400,
        "severity",
    ),
]


@pytest.mark.parametrize(("name", "body", "status", "says"), BAD)
def test_what_the_vendor_rejects_is_rejected_in_its_shape(
    fakes: dict[str, VendorFake], name: str, body: Any, status: int, says: str
) -> None:
    response = post(fakes, name, body)
    assert response.status_code == status and says in response.text, response.text
    assert fakes[name].accepted == [] and fakes[name].rejected
    if name == "telegram":
        assert response.json()["ok"] is False and response.json()["error_code"] == 400
    if name == "pagerduty":
        assert response.json()["status"] == "invalid event" and response.json()["errors"]
    if name == "ntfy":
        assert response.json().keys() == {"code", "http", "error", "link"}


def test_rate_limit_answers_follow_the_documented_shapes(fakes: dict[str, VendorFake]) -> None:
    for fake in fakes.values():
        fake.mode = "429"
        fake.retry_after = 5
    discord = post(fakes, "discord", example("discord/execute-webhook-embed.json"))
    assert discord.status_code == 429
    assert discord.json().keys() == example("discord/rate-limit-429.json").keys()
    telegram = post(fakes, "telegram", example("telegram/sendMessage-request.json"))
    documented = example("telegram/error-429.json")
    assert telegram.json() == documented, "same fields, same words for the same wait"
    slack = post(fakes, "slack", example("slack/block-kit-message.json"))
    assert slack.status_code == 429 and slack.headers["retry-after"] == "5"
    ntfy = post(fakes, "ntfy", example("ntfy/publish-json.json"))
    assert ntfy.json()["code"] == 42901 and ntfy.json()["http"] == 429
    for name in ("teams", "pagerduty"):
        assert post(fakes, name, {}).status_code == 429
