"""Sending within a channel's own budget (lib/notify/channels/vendor_http.py): a 429's wait
honoured only when it fits, vendor errors as short secret-free reasons, and in the alert engine
a hanging and a throttled channel leaving the other four delivered on time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

import lib.notify
from lib.core.config import Settings, load_settings
from lib.jobs.health_check import check_and_alert
from lib.notify import NotifyError, channel_states
from lib.notify.channels.base import Channel
from lib.probes import Level, ProbeResult
from lib.store import Store
from lib.store.postgres import PostgresTransport
from tests.alerting import T0, only_rules, settings_for
from tests.chat_channels import FIRING, NAMES, SECRETS, Fakes, fresh_channels, running_fakes
from tests.fakes.chat_vendors import FakeTeams


@pytest.fixture(scope="module")
def fakes() -> Iterator[Fakes]:
    yield from running_fakes()


@pytest.fixture
def channels(fakes: Fakes) -> dict[str, Channel[Any]]:
    return fresh_channels(fakes)


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
