"""The store stopped during health check runs: direct notifications once per window, the
heartbeat's /fail, and one resolution through the state machine once the store is back.

Real HTTP to the in-process dev server app (so time-machine moves its clock), a real PostgreSQL
cluster of its own that the test stops and restarts, and the local fakes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import time_machine

from lib.local.localpg import LocalPostgres
from lib.local.migrate import migrate
from tests.alerting import EMAIL_FROM, EMAIL_TO, only_rules
from tests.conftest import SECRETS, assert_no_secret, vendor_env
from tests.fakes.heartbeat import FakeHeartbeat
from tests.fakes.vendors import FakeOpenAI, FakeResend, FakeStripe
from tests.fakes.webhook import FakeWebhook
from tests.inprocess import InProcessServer, serve_in_process

AUTH = {"Authorization": f"Bearer {SECRETS['CRON_SECRET']}"}
# 10:00:30 UTC: the first 5-minute slot of the 10:00 window.
T = datetime(2026, 12, 3, 10, 0, 30, tzinfo=UTC)
FIRING = "[CRITICAL] CarBot Firing: Monitor store unreachable"


@pytest.fixture
def heartbeat() -> Iterator[FakeHeartbeat]:
    fake = FakeHeartbeat()
    yield fake
    fake.close()


@pytest.fixture
def own_cluster(tmp_path: Path) -> Iterator[LocalPostgres]:
    """A cluster this test may stop and start again (the session's `pg` is shared)."""
    cluster = LocalPostgres(tmp_path / "cluster")
    cluster.start()
    migrate(cluster.url)
    yield cluster
    cluster.stop()


def run_at(server: InProcessServer, moment: datetime, copies: int = 1) -> list[httpx.Response]:
    """`copies` overlapping deliveries of the cron at `moment` (Vercel may deliver twice)."""
    answers: list[httpx.Response] = []
    with time_machine.travel(moment, tick=True):
        threads = [
            threading.Thread(
                target=lambda: answers.append(server.get("/api/cron/health_check", headers=AUTH))
            )
            for _ in range(copies)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert len(answers) == copies
    for answer in answers:
        assert_no_secret(answer.text)
    return answers


def test_store_down_notifies_once_per_window_and_resolves_once(
    own_cluster: LocalPostgres,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_openai: FakeOpenAI,
    fake_stripe: FakeStripe,
    fake_resend: FakeResend,
    fake_webhook: FakeWebhook,
    heartbeat: FakeHeartbeat,
) -> None:
    config = only_rules(tmp_path, "store_unreachable", "service_unresponsive")
    env = vendor_env(
        fake_openai,
        fake_stripe,
        fake_resend,
        own_cluster.url,
        CRITICAL_SERVICES="database",
        ALERT_EMAIL_TO=EMAIL_TO,
        ALERT_EMAIL_FROM=EMAIL_FROM,
        ALERT_WEBHOOK_URL=fake_webhook.hook_url,
        HEARTBEAT_URL=heartbeat.ping_url,
        MONITOR_CONFIG=str(config),
        HEALTH_TIMEOUT_MS="1500",
    )
    with serve_in_process(env, monkeypatch) as server:
        (before,) = run_at(server, T - timedelta(minutes=10))
        assert before.status_code == 200, before.text
        assert before.json()["heartbeat"] == "sent"

        own_cluster.stop()  # `python -m lib db stop`, as the issue tried it
        first = run_at(server, T)  # first run of the 10:00 window: sends
        again = run_at(server, T + timedelta(minutes=2, seconds=30), copies=2)  # same slot, twice
        later = run_at(server, T + timedelta(minutes=5))  # 10:05:30: a later run stays quiet
        for answer in [*first, *again, *later]:
            assert answer.status_code == 503
            body = answer.json()
            assert body["error"] == "store unavailable: connection refused"
            assert body["store_down"]["checked"]["database"] == "down"
            assert body["heartbeat"] == "sent"  # the /fail ping went out
        assert first[0].json()["store_down"]["sent"] == ["email", "webhook"]
        assert later[0].json()["store_down"]["skipped"] == "sent by the first run of this window"
        # Three runs over five minutes (one delivered twice): one message per channel.
        assert [e["subject"] for e in fake_resend.emails] == [FIRING]
        assert len(fake_webhook.payloads) == 1
        keys = {r.headers["idempotency-key"] for r in fake_webhook.requests}
        assert keys == {"carbot-alert-store_unreachable-20261203T1000Z"}
        email = fake_resend.emails[0]
        assert "database unreachable since at least 2026-12-03 10:00 UTC" in email["text"]
        assert "the monitor cannot record checks" in email["text"]
        assert "openai operational" in email["text"]
        assert_no_secret(str(email))

        (next_window,) = run_at(server, T + timedelta(minutes=30))  # 10:30: the next window
        assert next_window.json()["store_down"]["sent"] == ["email", "webhook"]
        assert len(fake_resend.emails) == len(fake_webhook.payloads) == 2

        own_cluster.start()
        (back,) = run_at(server, T + timedelta(minutes=40))
        assert back.status_code == 200, back.text
        summary = back.json()
        assert summary["outage_recorded"] is True
        assert summary["alerts"]["store_unreachable"]["event"] == "resolved"
        (after,) = run_at(server, T + timedelta(minutes=45))
        assert after.json()["outage_recorded"] is False

    subjects = [e["subject"] for e in fake_resend.emails]
    assert subjects == [
        FIRING,
        FIRING,
        "[CRITICAL] CarBot Resolved after 45 min: Monitor store unreachable",
    ]
    assert [p["event"] for p in fake_webhook.payloads] == ["firing", "firing", "resolved"]
    # Every run pinged the heartbeat with a GET: success when it completed, /fail when not.
    assert {r.method for r in heartbeat.requests} == {"GET"}
    assert heartbeat.pings == ["success", *["fail"] * 5, "success", "success"]


def test_a_dead_heartbeat_receiver_never_fails_the_run(
    migrated_db: str,
    monkeypatch: pytest.MonkeyPatch,
    fake_openai: FakeOpenAI,
    fake_stripe: FakeStripe,
    fake_resend: FakeResend,
    heartbeat: FakeHeartbeat,
) -> None:
    env = vendor_env(fake_openai, fake_stripe, fake_resend, migrated_db)
    with serve_in_process({**env, "HEARTBEAT_URL": heartbeat.ping_url}, monkeypatch) as server:
        heartbeat.mode = "500"
        answer = server.get("/api/cron/health_check", headers=AUTH)
        assert answer.status_code == 200
        assert answer.json()["heartbeat"] == "failed: answered 500"
        heartbeat.mode = "ok"
        assert server.get("/api/cron/health_check").status_code == 401
        assert heartbeat.pings == [], "an unauthenticated call is no run: no ping"
