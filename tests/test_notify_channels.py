"""Slack, Discord, Teams, Telegram, ntfy and PagerDuty channels against their vendors' fakes:
each event accepted, limits kept with a huge runbook, hostile text defused, severity routing,
429s honoured only within the channel's budget, and a hanging channel delays no other."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import lib.notify
from lib.core.config import Settings, load_settings
from lib.jobs.health_check import check_and_alert
from lib.notify import IncidentNote, Notification, NotifyError, accepts, channel_states
from lib.notify.channels.base import Channel
from lib.probes import Level, ProbeResult
from lib.store import Store
from lib.store.postgres import PostgresTransport
from tests.alerting import T0, only_rules, settings_for
from tests.fakes.chat_vendors import FakeDiscord, FakeSlack, FakeTeams, VendorFake
from tests.fakes.paging_vendors import FakeNtfy, FakePagerDuty, FakeTelegram
from tests.hostile import BIDI_OR_CONTROL, HOSTILE

ACK = "https://monitor.carbot.de/ack/service_unresponsive%3Adatabase?e=ep-1&sig=abc"
RUNBOOK = ["Check the Supabase status page", "Restart the pooler: `supabase db restart`"]
FIRING = Notification(
    id="n-1",
    rule="service_unresponsive:database",
    title="Database unresponsive",
    event="firing",
    severity="critical",
    message="The database did not answer for 6 minutes",
    value=7.5,
    threshold=5.0,
    unit="%",
    since=T0,
    at=T0 + timedelta(minutes=5),
    environment="production",
    runbook=RUNBOOK,
    episode="ep-1",
    ack_url=ACK,
)
REMINDER = FIRING.model_copy(update={"id": "n-2", "event": "reminder", "level": 2})
RESOLVED = FIRING.model_copy(update={"id": "n-3", "event": "resolved", "duration_s": 2520.0})
ACKED = FIRING.model_copy(update={"id": "n-4", "event": "acknowledged"})
NAMES = ("slack", "discord", "teams", "telegram", "ntfy", "pagerduty")


class Fakes(dict[str, VendorFake]):
    def settings(self, **overrides: object) -> dict[str, object]:
        return {
            "slack_webhook_url": self["slack"].hook_url,  # type: ignore[attr-defined]
            "discord_webhook_url": self["discord"].hook_url,  # type: ignore[attr-defined]
            "teams_webhook_url": self["teams"].hook_url,  # type: ignore[attr-defined]
            "telegram_bot_token": FakeTelegram.TOKEN,
            "telegram_chat_id": FakeTelegram.CHAT,
            "telegram_api_url": self["telegram"].url,
            "ntfy_url": self["ntfy"].url,
            "ntfy_topic": FakeNtfy.TOPIC,
            "ntfy_token": FakeNtfy.TOKEN,
            "pagerduty_routing_key": FakePagerDuty.ROUTING_KEY,
            "pagerduty_events_url": self["pagerduty"].url,
            **overrides,
        }

    def channels(self) -> dict[str, Channel[Any]]:
        states = channel_states(load_settings(**self.settings()))
        return {name: states[name] for name in NAMES}  # type: ignore[misc]


SECRETS = (
    FakeTelegram.TOKEN,
    FakeNtfy.TOPIC,
    FakeNtfy.TOKEN,
    FakePagerDuty.ROUTING_KEY,
    FakeSlack.PATH,
    FakeDiscord.PATH,
    FakeTeams.SIG,
)


@pytest.fixture(scope="module")
def fakes() -> Iterator[Fakes]:
    found = Fakes(
        slack=FakeSlack(),
        discord=FakeDiscord(),
        teams=FakeTeams(),
        telegram=FakeTelegram(),
        ntfy=FakeNtfy(),
        pagerduty=FakePagerDuty(),
    )
    yield found
    for fake in found.values():
        fake.close()


@pytest.fixture
def channels(fakes: Fakes) -> dict[str, Channel[Any]]:
    for fake in fakes.values():
        fake.reset()
    return fakes.channels()


def sent(fake: VendorFake) -> str:
    """Everything the fake accepted, as one JSON text (the hostile checks read it)."""
    assert fake.rejected == [], fake.rejected
    return json.dumps(fake.accepted, ensure_ascii=False)


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


def test_a_short_wait_asked_by_a_429_is_honoured(
    channels: dict[str, Channel[Any]], fakes: Fakes
) -> None:
    fakes["discord"].throttle = 1  # answers 429 `retry_after: 0.2` once
    started = time.monotonic()
    channels["discord"].send(FIRING)
    assert len(fakes["discord"].requests) == 2 and len(fakes["discord"].accepted) == 1
    assert time.monotonic() - started >= 0.2, "it waited as asked before trying again"


@pytest.mark.parametrize("name", NAMES)
def test_a_429_too_long_to_wait_fails_for_the_next_run(
    channels: dict[str, Channel[Any]], fakes: Fakes, name: str
) -> None:
    fakes[name].mode = "429"
    fakes[name].retry_after = 30  # beyond the channel's 5 s budget
    with pytest.raises(NotifyError) as caught:
        channels[name].send(FIRING)
    reason = caught.value.reason
    assert reason.startswith(name) and "429" in reason and "retried next run" in reason
    if name in ("slack", "discord", "teams", "telegram", "ntfy"):
        assert "30 s" in reason, "the wait asked for (header or body) is reported"
    assert len(fakes[name].requests) == 1, "no wait beyond the budget"
    assert not any(secret in reason for secret in SECRETS)


@pytest.mark.parametrize("name", NAMES)
def test_vendor_errors_are_short_reasons_without_secrets(fakes: Fakes, name: str) -> None:
    fakes[name].reset()
    # A wrong credential everywhere: the vendor's 4xx, its own error word, no secret echoed.
    wrong = fakes.settings(
        slack_webhook_url=fakes["slack"].url + "/services/T1/B1/wrong",
        discord_webhook_url=fakes["discord"].url + "/api/webhooks/1/wrong",
        teams_webhook_url=fakes["teams"].url + FakeTeams.PATH + "?sig=wrong",
        telegram_chat_id="42",
        ntfy_token="tk_wrong",
        pagerduty_routing_key="short",
    )
    channel = channel_states(load_settings(**wrong))[name]
    with pytest.raises(NotifyError) as caught:
        channel.send(FIRING)  # type: ignore[union-attr]
    reason = caught.value.reason
    assert reason.startswith(f"{name} answered 4"), reason
    assert "wrong" not in reason and not any(secret in reason for secret in SECRETS)


# -- in the alert engine: one hanging and one throttled channel, the others on time ---------------

MIN = timedelta(minutes=1)


@pytest.fixture
def engine_settings(migrated_db: str, tmp_path: Path, fakes: Fakes) -> Settings:
    for fake in fakes.values():
        fake.reset()
    config = only_rules(tmp_path, "service_unresponsive")
    return settings_for(migrated_db, config, **fakes.settings())


def test_a_hanging_and_a_throttled_channel_leave_the_others_on_time(
    migrated_db: str, engine_settings: Settings, fakes: Fakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lib.notify, "SEND_TIMEOUT_S", 0.5)
    fakes["slack"].mode = "hang"  # would answer after 60 s
    fakes["telegram"].mode = "429"
    fakes["telegram"].retry_after = 30
    results = {"database": ProbeResult(level=Level.DOWN, latency_ms=15, reason="timeout")}
    with Store(PostgresTransport(migrated_db, timeout=5)) as store:
        check_and_alert(store, engine_settings, T0, results=results)
        started = time.monotonic()
        summary = check_and_alert(store, engine_settings, T0 + 5 * MIN, results=results)
        elapsed = time.monotonic() - started
        for name in ("discord", "teams", "ntfy", "pagerduty"):
            assert len(fakes[name].accepted) == 1, f"{name} was not delivered"
            last = store.last_notification(name)
            assert last is not None and last.error is None and last.sent_at is not None
        slack, telegram = store.last_notification("slack"), store.last_notification("telegram")
        assert slack is not None and slack.sent_at is None and "slack" in (slack.error or "")
        assert telegram is not None and "rate limited (429)" in (telegram.error or "")
        assert not any(secret in (slack.error or "") + (telegram.error or "") for secret in SECRETS)
    assert summary["notifications"]["failed"] == 2
    # The hang lasts 60 s; the slack send gave up after its own 0.5 s, nobody waited longer.
    assert elapsed < 5, elapsed
    fakes["slack"].mode = "ok"


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
