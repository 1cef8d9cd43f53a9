"""Heartbeats: /api/ping/<token> over real HTTP (lib/endpoints/ping.py, through vercel.json's
rewrite in the dev server), their states (lib/checks/heartbeats.py) and heartbeat_late, with a
moved clock."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import time_machine

from lib.checks.heartbeats import heartbeat_for, heartbeat_status, next_expected
from lib.checks.store import HeartbeatRow, heartbeat_rows
from lib.core.synthetic_config import HeartbeatConfig
from lib.jobs.health_check import check_and_alert
from tests.alerting import only_rules, open_store, settings_for
from tests.conftest import SECRETS
from tests.inprocess import InProcessServer, serve_in_process

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db

T0 = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
NEWSLETTER = "nl-0d9f8e7c6b5a4f3e2d1c0b9a"
SYNC = "sync-1a2b3c4d5e6f7a8b9c0d1e2f"
BEATS = """
[[heartbeats]]
name = "newsletter"
token_env = "CARBOT_PING_NEWSLETTER"
schedule = "0 6 * * *"
tz = "Europe/Berlin"
grace = 1800

[[heartbeats]]
name = "lead-sync"
token_env = "CARBOT_PING_LEAD_SYNC"
period = 3600
grace = 600
"""


@pytest.fixture
def toml(tmp_path: Path) -> Path:
    return only_rules(tmp_path, "heartbeat_late", extra=BEATS)


@pytest.fixture
def server(
    migrated_db: str, toml: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[InProcessServer]:
    env = {
        "DATABASE_URL": migrated_db,
        "MONITOR_CONFIG": str(toml),
        "HEALTH_TOKEN": SECRETS["HEALTH_TOKEN"],
        "CARBOT_PING_NEWSLETTER": NEWSLETTER,
        "CARBOT_PING_LEAD_SYNC": SYNC,
    }
    with serve_in_process(env, monkeypatch) as running:
        yield running


# One client for every ping: a new client per request loads the CA bundle each time.
CLIENT = httpx.Client(timeout=10)


def ping(server: InProcessServer, path: str, method: str = "GET", **kw: Any) -> httpx.Response:
    return CLIENT.request(method, f"{server.url}/api/ping/{path}", **kw)


def rows(url: str) -> dict[str, HeartbeatRow]:
    with open_store(url) as store:
        return heartbeat_rows(store)


def alert(url: str, toml: Path, now: datetime) -> dict[str, Any]:
    with open_store(url) as store:
        report = check_and_alert(store, settings_for(url, toml), now, results={}, notifiers=[])
    return report["alerts"]


def test_on_time_late_and_down_then_resolved_on_the_next_success(
    server: InProcessServer, migrated_db: str, toml: Path
) -> None:
    with time_machine.travel(T0, tick=True):
        answer = ping(server, SYNC)
    assert (answer.status_code, answer.text) == (200, "OK")
    assert answer.headers["content-type"].startswith("text/plain")
    on_time = alert(migrated_db, toml, T0 + timedelta(minutes=30))
    assert on_time["heartbeat_late:lead-sync"]["observed"] == "ok"
    assert on_time["heartbeat_late:newsletter"]["observed"] == "unknown"  # new: never pinged
    late = alert(migrated_db, toml, T0 + timedelta(minutes=65))
    assert late["heartbeat_late:lead-sync"]["observed"] == "settling"  # late, within its grace
    events = []
    for minutes in (71, 76, 90):
        report = alert(migrated_db, toml, T0 + timedelta(minutes=minutes))
        assert report["heartbeat_late:lead-sync"]["observed"] == "firing"
        events.append(report["heartbeat_late:lead-sync"].get("event"))
    assert events == ["firing", None, None]  # fires once
    with time_machine.travel(T0 + timedelta(minutes=95), tick=True):
        assert ping(server, SYNC, "POST", content=b"synced 42 leads").status_code == 200
    back = alert(migrated_db, toml, T0 + timedelta(minutes=96))
    assert back["heartbeat_late:lead-sync"]["event"] == "resolved"


def test_fail_keeps_ten_kilobytes_of_evidence_shown_safely(
    server: InProcessServer, migrated_db: str, toml: Path
) -> None:
    log = "\x1b[31mSMTP 421\x1b[0m too many connections\u202e\n" + "x" * 20_000
    with time_machine.travel(T0, tick=True):
        assert ping(server, f"{NEWSLETTER}/fail", "POST", content=log.encode()).text == "OK"
    row = rows(migrated_db)["newsletter"]
    assert row.last_kind == "fail" and row.fail_body is not None
    assert len(row.fail_body) == 10_240 and row.fail_body.startswith("\x1b[31mSMTP 421")
    report = alert(migrated_db, toml, T0 + timedelta(minutes=1))
    assert report["heartbeat_late:newsletter"]["observed"] == "firing"
    assert report["heartbeat_late:newsletter"]["message"] == "newsletter reported a failure"
    shown = httpx.get(
        f"{server.url}/api/health/checks",
        headers={"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"},
        timeout=10,
    )
    assert shown.status_code == 200, shown.text
    beat = shown.json()["heartbeats"]["newsletter"]
    assert beat["state"] == "down"
    assert "\x1b" not in beat["fail_body"] and "\u202e" not in beat["fail_body"]
    assert beat["fail_body"].startswith("SMTP 421 too many connections")
    assert httpx.get(f"{server.url}/api/health/checks", timeout=10).status_code == 401


def test_exit_status_start_and_run_duration(server: InProcessServer, migrated_db: str) -> None:
    with time_machine.travel(T0, tick=False):
        assert ping(server, f"{NEWSLETTER}/start").status_code == 200
    with time_machine.travel(T0 + timedelta(seconds=42), tick=False):
        assert ping(server, f"{NEWSLETTER}/0").status_code == 200
    row = rows(migrated_db)["newsletter"]
    assert (row.last_kind, row.last_duration_ms, row.started_at) == ("success", 42_000, None)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=True):
        assert ping(server, f"{NEWSLETTER}/3", "HEAD").status_code == 200
        assert ping(server, f"{NEWSLETTER}/256").status_code == 400
        assert ping(server, f"{NEWSLETTER}/later").status_code == 400
        assert ping(server, NEWSLETTER, "PUT").status_code == 405
    row = rows(migrated_db)["newsletter"]
    assert (row.last_kind, row.last_exit_code) == ("fail", 3)


def test_a_start_without_an_end_is_down_after_the_grace(
    server: InProcessServer, migrated_db: str, toml: Path
) -> None:
    with time_machine.travel(T0, tick=True):
        ping(server, SYNC)
    with time_machine.travel(T0 + timedelta(minutes=50), tick=True):
        ping(server, f"{SYNC}/start")
    running = alert(migrated_db, toml, T0 + timedelta(minutes=55))
    assert running["heartbeat_late:lead-sync"]["observed"] == "ok"
    stuck = alert(migrated_db, toml, T0 + timedelta(minutes=61))
    assert stuck["heartbeat_late:lead-sync"]["observed"] == "firing"
    assert "never finished" in stuck["heartbeat_late:lead-sync"]["message"]


def test_a_wrong_token_gets_the_same_answer_and_records_nothing(
    server: InProcessServer, migrated_db: str
) -> None:
    right = ping(server, SYNC)
    wrong = ping(server, SYNC[:-1] + "x")
    assert (wrong.status_code, wrong.text) == (right.status_code, right.text) == (200, "OK")
    assert sorted(wrong.headers) == sorted(right.headers)
    assert ping(server, "x" * 5000).text == "OK"  # absurdly long: the same answer
    assert set(rows(migrated_db)) == {"lead-sync"}
    # similar timing: medians of a few pings each, well within one another
    timings: dict[str, list[float]] = {"right": [], "wrong": []}
    for _ in range(7):
        for label, token in (("right", SYNC), ("wrong", "nope-" + "0" * 24)):
            started = time.perf_counter()
            ping(server, f"{token}/start")
            timings[label].append(time.perf_counter() - started)
    medians = {k: sorted(v)[3] for k, v in timings.items()}
    assert medians["wrong"] < medians["right"] * 3 and medians["right"] < medians["wrong"] * 3


def test_a_burst_of_pings_is_bounded_per_token(server: InProcessServer, migrated_db: str) -> None:
    with time_machine.travel(T0, tick=True):
        known = [ping(server, SYNC).status_code for _ in range(25)]
        unknown = [ping(server, "guess-" + "1" * 24).status_code for _ in range(25)]
    assert known == unknown == [200] * 20 + [429] * 5
    assert rows(migrated_db)["lead-sync"].pings == 20
    with time_machine.travel(T0 + timedelta(minutes=2), tick=True):
        assert ping(server, SYNC).status_code == 200  # a new minute


def test_schedules_with_a_time_zone_and_the_token_lookup() -> None:
    nightly = HeartbeatConfig(
        name="newsletter", token_env="X", schedule="0 6 * * *", tz="Europe/Berlin", grace=1800
    )
    # 06:00 in Berlin is 05:00 UTC in winter
    ran = datetime(2026, 12, 7, 5, 0, 30, tzinfo=UTC)
    assert next_expected(nightly, ran) == datetime(2026, 12, 8, 5, 0, tzinfo=UTC)
    row = HeartbeatRow(last_ping_at=ran, last_kind="success", last_success_at=ran)
    assert heartbeat_status(nightly, row, ran + timedelta(hours=24, minutes=10)).state == "late"
    assert heartbeat_status(nightly, row, ran + timedelta(hours=24, minutes=40)).state == "down"
    assert heartbeat_status(nightly, None, ran).state == "new"
    env = {"X": NEWSLETTER, "Y": "short"}
    weak = nightly.model_copy(update={"name": "weak", "token_env": "Y"})
    assert heartbeat_for([nightly, weak], NEWSLETTER, env) == "newsletter"
    assert heartbeat_for([nightly, weak], "short", env) is None  # too short to be a token
    with pytest.raises(ValueError, match="either period or schedule"):
        HeartbeatConfig(name="x", token_env="X")
    with pytest.raises(ValueError, match="5-field cron"):
        HeartbeatConfig(name="x", token_env="X", schedule="every day")
