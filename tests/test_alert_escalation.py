"""Escalation along [escalation] levels with a moved clock, over real PostgreSQL and the fakes.

The levels' channels are the local e-mail (Resend) and webhook fakes: level 1 Development Team
(webhook), 2 Senior DevOps Engineer (e-mail), 3 Technical Director (webhook), 4 Business
Stakeholders (webhook and e-mail). A step's notification id ends in `-l<level>`.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lib.alerts.acknowledge import AckError, set_acknowledged
from lib.alerts.engine import Engine
from lib.alerts.maintenance import MaintenanceState
from lib.core.config import Settings
from lib.jobs.health_check import check_and_alert
from lib.notify import configured_notifiers
from lib.probes import Level, ProbeResult
from lib.reports.history import alert_episodes
from lib.store import Store
from tests.alerting import T0, notify_settings, only_rules, open_store
from tests.fakes.vendors import FakeResend
from tests.fakes.webhook import FakeWebhook

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db

MIN = timedelta(minutes=1)
KEY = "service_unresponsive:database"
S = T0 + 5 * MIN  # the episode's start: the second run down fires
POLICY = """
[escalation]
[[escalation.levels]]
name = "Development Team"
channels = ["webhook"]
[[escalation.levels]]
name = "Senior DevOps Engineer"
channels = ["email"]
contacts = ["+49 170 0000000"]
[[escalation.levels]]
name = "Technical Director"
channels = ["webhook"]
[[escalation.levels]]
name = "Business Stakeholders"
channels = ["webhook", "email"]
rotation = [{ name = "Anna" }, { name = "Ben", channel = "email" }]
"""


@pytest.fixture
def settings(
    migrated_db: str, tmp_path: Path, fake_resend: FakeResend, fake_webhook: FakeWebhook
) -> Settings:
    config = only_rules(tmp_path, "service_unresponsive", extra=POLICY)
    return notify_settings(migrated_db, fake_resend.url, fake_webhook.hook_url, config)


def run(store: Store, settings: Settings, at: datetime, level: Level = Level.DOWN) -> Any:
    reason = "connection refused" if level == Level.DOWN else None
    results = {"database": ProbeResult(level=level, latency_ms=15, reason=reason)}
    return check_and_alert(store, settings, at, results=results)


def hooks(fake: FakeWebhook) -> list[tuple[str, str]]:
    """(event, level suffix or "") of each webhook delivery."""
    return [
        (p["event"], p["id"].rpartition("-l")[2] if "-l" in p["id"] else "") for p in fake.payloads
    ]


def mails(fake: FakeResend) -> list[str]:
    return [e["subject"] for e in fake.emails]


def fire(store: Store, settings: Settings) -> None:
    run(store, settings, T0)  # a streak of 0 s is not an alert yet
    run(store, settings, S)


def test_unacknowledged_critical_climbs_levels_1_to_4_then_resolve_reaches_each_once(
    migrated_db: str, settings: Settings, fake_resend: FakeResend, fake_webhook: FakeWebhook
) -> None:
    with open_store(migrated_db) as store:
        fire(store, settings)
        assert hooks(fake_webhook) == [("firing", "1")] and mails(fake_resend) == []
        run(store, settings, S + 14 * MIN)
        assert mails(fake_resend) == []  # level 2 is due at 15 min, not before
        run(store, settings, S + 15 * MIN)
        assert len(fake_resend.emails) == 1
        assert "Escalation level: 2" in fake_resend.emails[0]["text"]
        run(store, settings, S + 59 * MIN)
        assert hooks(fake_webhook) == [("firing", "1")]
        run(store, settings, S + 60 * MIN)
        assert hooks(fake_webhook) == [("firing", "1"), ("firing", "3")]
        run(store, settings, S + 239 * MIN)
        assert len(fake_webhook.payloads) == 2 and len(fake_resend.emails) == 1
        # Week 47 of 2026: the rotation's first entry (Anna) covers level 4 on its channels.
        run(store, settings, S + 240 * MIN)
        assert hooks(fake_webhook)[-1] == ("firing", "4")
        assert "Escalation level: 4" in fake_resend.emails[-1]["text"]
        assert (len(fake_webhook.payloads), len(fake_resend.emails)) == (3, 2)
        run(store, settings, S + 245 * MIN, Level.OK)
        run(store, settings, S + 250 * MIN, Level.OK)
        assert [p["event"] for p in fake_webhook.payloads].count("resolved") == 1
        assert sum("Resolved" in s for s in mails(fake_resend)) == 1
        (episode,) = alert_episodes(store, T0, S + 300 * MIN)
        assert (episode.level, episode.acknowledged_at, episode.open) == (4, None, False)


def test_acknowledged_at_minute_20_stops_at_level_2_without_reminders(
    migrated_db: str, settings: Settings, fake_resend: FakeResend, fake_webhook: FakeWebhook
) -> None:
    with open_store(migrated_db) as store:
        fire(store, settings)
        run(store, settings, S + 15 * MIN)
        outcome = set_acknowledged(
            store,
            KEY,
            True,
            S + 20 * MIN,
            by="Lena",
            note="restarting the pooler",
            notifiers=configured_notifiers(settings),
            policy=_policy(settings),
        )
        assert (outcome.acknowledged, outcome.changed, outcome.level) == (True, True, 2)
        for minutes in (25, 60, 240, 6 * 60 + 30, 13 * 60):
            run(store, settings, S + minutes * MIN)
        # The acknowledgement reached both levels notified; nothing else until the resolution.
        assert hooks(fake_webhook) == [("firing", "1"), ("acknowledged", "")]
        assert len(fake_resend.emails) == 2 and "Acknowledged" in mails(fake_resend)[1]
        assert "Lena" in fake_resend.emails[1]["text"]
        run(store, settings, S + 13 * 60 * MIN + 5 * MIN, Level.OK)
        assert hooks(fake_webhook)[-1] == ("resolved", "")
        assert "Resolved" in mails(fake_resend)[-1] and len(fake_resend.emails) == 3
        (episode,) = alert_episodes(store, T0, S + 14 * 60 * MIN)
        assert (episode.level, episode.acknowledged_by, episode.reminders) == (2, "Lena", 0)
        assert episode.time_to_acknowledge_s == 20 * 60


def test_reack_refused_when_resolved_and_refire_is_a_new_episode(
    migrated_db: str, settings: Settings, fake_resend: FakeResend, fake_webhook: FakeWebhook
) -> None:
    with open_store(migrated_db) as store:
        fire(store, settings)
        first = set_acknowledged(store, KEY, True, S + MIN)
        run(store, settings, S + 5 * MIN, Level.OK)
        with pytest.raises(AckError) as not_firing:
            set_acknowledged(store, KEY, True, S + 6 * MIN)
        assert not_firing.value.status == 409
        with pytest.raises(AckError) as unknown:
            set_acknowledged(store, "no_such_rule", True, S + 6 * MIN)
        assert unknown.value.status == 404
        run(store, settings, S + 10 * MIN)
        run(store, settings, S + 15 * MIN)  # fires again: a new episode, unacknowledged
        row = store.alerts()[KEY]
        assert row.state == "firing" and row.acknowledged_at is None and row.level == 1
        with pytest.raises(AckError) as old_episode:
            set_acknowledged(store, KEY, True, S + 16 * MIN, episode=first.episode_start)
        assert old_episode.value.status == 410
        undone = set_acknowledged(store, KEY, False, S + 16 * MIN)
        assert undone.changed is False  # it was not acknowledged: nothing to take back


class RacingStore(Store):
    """Waits after its first read of the alert rows until the other run has read them too."""

    def __init__(self, store: Store, both_read: threading.Barrier) -> None:
        super().__init__(store.transport)
        self.both_read = both_read
        self.first_read = True

    def alerts(self) -> Any:
        rows = super().alerts()
        if self.first_read:
            self.first_read = False
            self.both_read.wait()
        return rows


def test_two_overlapping_runs_send_each_step_once(
    migrated_db: str, settings: Settings, fake_resend: FakeResend, fake_webhook: FakeWebhook
) -> None:
    with open_store(migrated_db) as store:
        fire(store, settings)
    for minutes in (15, 60):
        both_read = threading.Barrier(2, timeout=10)
        lost: list[bool] = []

        def worker(
            at: datetime, barrier: threading.Barrier = both_read, lost: list[bool] = lost
        ) -> None:
            with open_store(migrated_db) as plain:
                lost.append(_engine_run(RacingStore(plain, barrier), settings, at))

        threads = [threading.Thread(target=worker, args=(S + minutes * MIN,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        assert sorted(lost) == [False, True]  # both read before either wrote: one won
    assert hooks(fake_webhook) == [("firing", "1"), ("firing", "3")]
    assert len(fake_resend.emails) == 1


def test_maintenance_mutes_escalation(
    migrated_db: str, settings: Settings, fake_resend: FakeResend, fake_webhook: FakeWebhook
) -> None:
    with open_store(migrated_db) as store:
        fire(store, settings)
        muted = MaintenanceState(active=True, reason="planned")
        engine = Engine(
            store, configured_notifiers(settings), S + 20 * MIN, muted, policy=_policy(settings)
        )
        report = engine.run([_observation(firing=True)], set())
        assert report.alerts[KEY].muted and fake_resend.emails == []
        assert store.alerts()[KEY].level == 1


def _policy(settings: Settings) -> Any:
    from lib.alerts.config_state import load_rules

    return load_rules(settings).config.escalation


def _observation(firing: bool) -> Any:
    from lib.alerts.rules import Observation

    return Observation(
        key=KEY,
        rule="service_unresponsive",
        title="Service unresponsive (database)",
        state="firing" if firing else "ok",
        severity="critical",
        threshold=60,
        unit="s",
        value=900,
        message="database down",
    )


def _engine_run(store: Store, settings: Settings, at: datetime) -> bool:
    """One engine run over a firing observation; whether it lost the race."""
    engine = Engine(
        store,
        configured_notifiers(settings),
        at,
        MaintenanceState(active=False),
        policy=_policy(settings),
    )
    return engine.run([_observation(firing=True)], set()).alerts[KEY].lost_race


def test_default_levels_without_channels_reach_every_channel(
    migrated_db: str,
    tmp_path: Path,
    fake_resend: FakeResend,
    fake_webhook: FakeWebhook,
) -> None:
    """`[escalation]` alone (the guide's four levels, no channels) silences nobody."""
    config = only_rules(tmp_path, "service_unresponsive", extra="[escalation]\n")
    settings = notify_settings(migrated_db, fake_resend.url, fake_webhook.hook_url, config)
    with open_store(migrated_db) as store:
        fire(store, settings)
        assert hooks(fake_webhook) == [("firing", "1")] and len(fake_resend.emails) == 1
        run(store, settings, S + 15 * MIN)
        assert hooks(fake_webhook)[-1] == ("firing", "2") and len(fake_resend.emails) == 2


def test_firing_and_reminder_carry_the_signed_acknowledge_link(
    migrated_db: str,
    tmp_path: Path,
    fake_resend: FakeResend,
    fake_webhook: FakeWebhook,
) -> None:
    config = only_rules(tmp_path, "service_unresponsive")
    settings = notify_settings(
        migrated_db,
        fake_resend.url,
        fake_webhook.hook_url,
        config,
        ack_secret="ack-secret-SECRET-0009",
        monitor_url="https://monitor.carbot.de",
    )
    with open_store(migrated_db) as store:
        fire(store, settings)
        run(store, settings, S + 6 * 60 * MIN)  # the reminder carries a fresh link
        run(store, settings, S + 6 * 60 * MIN + 5 * MIN, Level.OK)
    link = "https://monitor.carbot.de/api/alerts/ack?key=service_unresponsive%3Adatabase&episode="
    texts = [p["text"] for p in fake_webhook.payloads]
    assert [link in t for t in texts] == [True, True, False]  # firing, reminder; not resolved
    # The structured fields carry it too, with the episode and the level.
    fields = [(p["ack_url"] or "").startswith(link) for p in fake_webhook.payloads]
    assert fields == [True, True, False]
    assert {p["episode"] for p in fake_webhook.payloads} != {None}
    assert [p["level"] for p in fake_webhook.payloads] == [1, 1, 1]
    assert [f"Acknowledge: {link}" in e["text"] for e in fake_resend.emails] == [True, True, False]
    assert "ack-secret-SECRET-0009" not in "".join(texts)
