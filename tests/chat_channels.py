"""Shared by the chat and paging channel tests: sample notifications, the six vendor fakes
started together, and the settings that point every channel at them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from lib.core.config import load_settings
from lib.notify import Notification, channel_states
from lib.notify.channels.base import Channel
from tests.alerting import T0
from tests.fakes.chat_vendors import FakeDiscord, FakeSlack, FakeTeams
from tests.fakes.paging_vendors import FakeNtfy, FakePagerDuty, FakeTelegram
from tests.fakes.vendor_fake import VendorFake

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


def running_fakes() -> Iterator[Fakes]:
    """The six fakes, closed when the generator is (a module-scoped fixture's body)."""
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


def fresh_channels(fakes: Fakes) -> dict[str, Channel[Any]]:
    for fake in fakes.values():
        fake.reset()
    return fakes.channels()


def sent(fake: VendorFake) -> str:
    """Everything the fake accepted, as one JSON text (the hostile checks read it)."""
    assert fake.rejected == [], fake.rejected
    return json.dumps(fake.accepted, ensure_ascii=False)
