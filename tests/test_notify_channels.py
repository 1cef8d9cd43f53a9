"""Slack, Discord, Teams, Telegram, ntfy and PagerDuty channels against their vendors' fakes:
each event accepted and carrying what fired, limits kept with a huge runbook, hostile text
defused, the default severity routing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from lib.core.config import load_settings
from lib.notify import IncidentNote, accepts, channel_states
from lib.notify.channels.base import Channel
from tests.alerting import T0
from tests.chat_channels import (
    ACK,
    ACKED,
    FIRING,
    NAMES,
    REMINDER,
    RESOLVED,
    RUNBOOK,
    Fakes,
    fresh_channels,
    running_fakes,
    sent,
)
from tests.fakes.chat_vendors import FakeDiscord, FakeSlack
from tests.fakes.paging_vendors import FakeNtfy, FakePagerDuty, FakeTelegram
from tests.hostile import BIDI_OR_CONTROL, HOSTILE


@pytest.fixture(scope="module")
def fakes() -> Iterator[Fakes]:
    yield from running_fakes()


@pytest.fixture
def channels(fakes: Fakes) -> dict[str, Channel[Any]]:
    return fresh_channels(fakes)


@pytest.mark.parametrize("name", NAMES)
def test_each_event_is_accepted_and_carries_what_fired(
    channels: dict[str, Channel[Any]], fakes: Fakes, name: str
) -> None:
    events = [FIRING, REMINDER, RESOLVED] + ([ACKED] if name == "pagerduty" else [])
    for notification in events:
        channels[name].send(notification)
    fake = fakes[name]
    assert len(fake.accepted) == len(events)
    first = json.dumps(fake.accepted[0], ensure_ascii=False)
    for shown in ("CRITICAL", "Database unresponsive", "7.5 %", "5 %", "Supabase status page"):
        assert shown in first, f"{name} firing lacks {shown!r}"
    assert ACK in first, "the firing message carries the acknowledge link"
    resolved = json.dumps(fake.accepted[2], ensure_ascii=False)
    assert ACK not in resolved, "a resolved episode offers no acknowledge link"
    if name != "pagerduty":
        assert "Resolved after 42 min" in resolved
        assert "Escalation level" in json.dumps(fake.accepted[1])


def test_pagerduty_walks_one_alert_per_episode(
    channels: dict[str, Channel[Any]], fakes: Fakes
) -> None:
    fake = fakes["pagerduty"]
    channels["pagerduty"].send(FIRING)
    assert fake.alerts == {"carbot:ep-1": "triggered"}
    channels["pagerduty"].send(REMINDER)  # same key: the open alert, not a new one
    channels["pagerduty"].send(ACKED)
    assert fake.alerts == {"carbot:ep-1": "acknowledged"}
    channels["pagerduty"].send(RESOLVED)
    assert fake.alerts == {"carbot:ep-1": "resolved"}
    actions = [event["event_action"] for event in fake.accepted]
    assert actions == ["trigger", "trigger", "acknowledge", "resolve"]
    assert fake.accepted[2].keys() == {"routing_key", "dedup_key", "event_action"}
    trigger = fake.accepted[0]
    assert trigger["payload"]["severity"] == "critical"
    assert trigger["links"][0]["href"] == ACK
    assert trigger["payload"]["custom_details"]["What to do"] == RUNBOOK
    # Without an incident-response episode, the rule and its start identify the episode.
    channels["pagerduty"].send(FIRING.model_copy(update={"episode": None, "id": "n-9"}))
    assert (
        fake.accepted[-1]["dedup_key"] == f"carbot:service_unresponsive:database@{T0.isoformat()}"
    )


@pytest.mark.parametrize("name", NAMES)
def test_limits_hold_with_a_huge_message_and_runbook(
    channels: dict[str, Channel[Any]], fakes: Fakes, name: str
) -> None:
    huge = FIRING.model_copy(
        update={
            "title": "T" * 5000,
            "message": "M" * 1_000_000,
            "runbook": [f"step {i} " + "x" * 3000 for i in range(200)],
            "grouped": [f"other alert {i} " + "g" * 600 for i in range(40)],
        }
    )
    channels[name].send(huge)
    text = sent(fakes[name])
    assert len(fakes[name].accepted) == 1
    if name != "pagerduty":
        assert "more steps in the runbook" in text, "cut steps are counted, not dropped silently"


@pytest.mark.parametrize("name", NAMES)
def test_hostile_text_is_defused(
    channels: dict[str, Channel[Any]], fakes: Fakes, name: str
) -> None:
    values = list(HOSTILE.values())
    hostile = FIRING.model_copy(
        update={
            "title": HOSTILE["slack"] + HOSTILE["discord"],
            "message": " ".join(values),
            "runbook": values,
            "grouped": values[:5],
            "incident": IncidentNote(
                provider="Supabase",
                name=HOSTILE["markdown_link"],
                status=HOSTILE["script"],
                started_at=T0,
                url="javascript:alert(1)",
            ),
        }
    )
    channels[name].send(hostile)
    text = sent(fakes[name])
    assert not BIDI_OR_CONTROL.search("".join(_strings(fakes[name].accepted)))
    assert "javascript:alert(1)" not in text, "only https links are kept"
    if name == "slack":
        for raw in ("<!channel>", "<@U0123ABC>", "<https://evil.example", "<!here"):
            assert raw not in text
    shown = "\n".join(_strings(fakes[name].accepted))
    if name == "discord":
        # Escaped with a backslash, Discord shows the characters and links or pings nothing.
        assert not re.search(r"(?<!\\)<@&?\d+>|(?<!\\)\]\(https?://evil|@(everyone|here)", shown)
        assert fakes[name].accepted[0]["allowed_mentions"] == {"parse": []}
    if name == "teams":
        assert not re.search(r"(?<!\\)\]\(https://evil", shown)
    if name == "telegram":
        assert "<script>" not in text and "<img" not in text


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def test_severity_routing_defaults_and_override(fakes: Fakes) -> None:
    channels = fakes.channels()
    routed = {
        severity: sorted(
            n
            for n, c in channels.items()
            if accepts(c, FIRING.model_copy(update={"severity": severity}))
        )
        for severity in ("critical", "warning", "info")
    }
    assert routed["critical"] == sorted(NAMES)
    assert routed["warning"] == ["discord", "slack", "teams", "telegram"]  # chat, never paging
    assert routed["info"] == []  # reports only
    override = channel_states(
        load_settings(
            **fakes.settings(ntfy_severities="critical,warning", slack_severities="critical")
        )
    )
    assert override["ntfy"].severities == {"critical", "warning"}  # type: ignore[union-attr]
    assert override["slack"].severities == {"critical"}  # type: ignore[union-attr]


def test_not_configured_names_the_variables() -> None:
    states = channel_states(load_settings())
    assert "SLACK_WEBHOOK_URL" in str(states["slack"])
    assert "TELEGRAM_BOT_TOKEN" in str(states["telegram"])
    assert "NTFY_TOPIC" in str(states["ntfy"])
    assert "PAGERDUTY_ROUTING_KEY" in str(states["pagerduty"])


def test_secrets_are_redacted_from_settings(fakes: Fakes) -> None:
    secrets = load_settings(**fakes.settings()).secret_values()
    for secret in (
        FakeTelegram.TOKEN,
        FakeNtfy.TOPIC,
        FakeNtfy.TOKEN,
        FakePagerDuty.ROUTING_KEY,
        FakeSlack.PATH,
        FakeDiscord.PATH,
    ):
        assert any(secret in value for value in secrets), secret


@pytest.mark.parametrize("name", HOSTILE)
def test_the_discord_sink_leaves_no_link_image_html_or_mention(name: str) -> None:
    from markdown_it import MarkdownIt

    from lib.core.safe_text import discord

    shown = discord(HOSTILE[name])
    tokens = MarkdownIt("commonmark").parseInline(shown)
    kinds = {child.type for token in tokens for child in token.children or []}
    assert not kinds & {"link_open", "image", "html_inline"}, kinds
    assert not re.search(r"@(everyone|here)\b", shown)
    assert not re.search(r"(?<!\\)[_~*`]", shown), "no emphasis, strike or code starts"
    assert not BIDI_OR_CONTROL.search(shown)
