"""Alert history: the engine writes one event per transition with its compare-and-set
(monitoring_alert_transition, one statement); episodes are rebuilt from the events on both
transports; rows of the old vocabulary are rewritten by the migration."""

from __future__ import annotations

import shutil
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from lib.core.config import Settings
from lib.jobs.health_check import check_and_alert
from lib.local.localpg import LocalPostgres
from lib.local.migrate import migrate, migrations
from lib.probes import Level, ProbeResult
from lib.reports.history import alert_episodes
from lib.store import AlertEvent, Store
from tests.alerting import T0, notify_settings, only_rules, open_store, seed_episode
from tests.fakes.vendors import FakeResend
from tests.fakes.webhook import FakeWebhook
from tests.stores import supabase_store

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db

MIN = timedelta(minutes=1)
RULE = "service_unresponsive:database"


@pytest.fixture
def env(
    migrated_db: str, tmp_path: Path, fake_resend: FakeResend, fake_webhook: FakeWebhook
) -> Any:
    def make(extra: str = "") -> Settings:
        config = only_rules(tmp_path, "service_unresponsive", extra=extra)
        return notify_settings(migrated_db, fake_resend.url, fake_webhook.hook_url, config)

    return make


def run(store: Store, settings: Settings, minutes: int, level: Level) -> None:
    reason = "connection refused" if level == Level.DOWN else None
    results = {"database": ProbeResult(level=level, latency_ms=15, reason=reason)}
    check_and_alert(store, settings, T0 + minutes * MIN, results=results)


def events(url: str) -> list[tuple[str, str, Any, Any]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select kind, rule, at, threshold from monitoring_alert_events order by id"
        ).fetchall()


def test_fire_remind_resolve_make_one_episode(migrated_db: str, env: Any) -> None:
    settings = env()
    with open_store(migrated_db) as store:
        for minutes in (0, 5, 10, 6 * 60 + 5):
            run(store, settings, minutes, Level.DOWN)
        run(store, settings, 6 * 60 + 10, Level.OK)
        run(store, settings, 6 * 60 + 15, Level.OK)
        episodes = alert_episodes(store, T0 - timedelta(days=1), T0 + timedelta(days=1))
    kinds = [(kind, rule, at) for kind, rule, at, _ in events(migrated_db)]
    assert kinds == [
        ("firing", RULE, T0 + 5 * MIN),
        ("reminder", RULE, T0 + (6 * 60 + 5) * MIN),
        ("resolved", RULE, T0 + (6 * 60 + 10) * MIN),
    ]
    assert events(migrated_db)[0][3] == 2  # the threshold (minutes), from the queued notification
    (episode,) = episodes
    assert (episode.rule, episode.severity, episode.open) == (RULE, "critical", False)
    assert episode.started_at == T0 + 5 * MIN and episode.ended_at == T0 + 370 * MIN
    assert episode.duration_s == 365 * 60 and episode.reminders == 1
    assert episode.threshold == 2 and episode.value is not None
    assert not episode.silenced


def test_maintenance_records_silenced_then_firing(migrated_db: str, env: Any) -> None:
    window = f"[[maintenance]]\nstart = {T0.isoformat()}\nend = {(T0 + 30 * MIN).isoformat()}\n"
    settings = env(window)
    with open_store(migrated_db) as store:
        for minutes in (0, 5, 25, 30, 35):
            run(store, settings, minutes, Level.DOWN)
        (episode,) = alert_episodes(store, T0, T0 + timedelta(hours=1))
    assert [(k, at) for k, _, at, _ in events(migrated_db)] == [
        ("silenced", T0 + 5 * MIN),  # entered firing muted
        ("firing", T0 + 30 * MIN),  # announced once the window ended
    ]
    assert episode.open and episode.ended_at is None and episode.duration_s is None
    assert episode.silenced and episode.started_at == T0 + 5 * MIN


def test_a_lost_compare_and_set_writes_no_event(migrated_db: str) -> None:
    with open_store(migrated_db) as store:
        fire = AlertEvent(kind="silenced", at=T0, episode_start=T0)
        row = store.alert_transition("cron_late:x", 0, {"state": "firing", "since": T0}, fire)
        assert row is not None
        patch = {"state": "firing", "since": T0}
        assert store.alert_transition("cron_late:x", 0, patch, fire) is None
        end = AlertEvent(kind="resolved", at=T0 + MIN, episode_start=T0)
        assert store.alert_transition("cron_late:x", row.version + 5, {"state": "ok"}, end) is None
        patch = {"state": "ok", "since": T0 + MIN}
        assert store.alert_transition("cron_late:x", row.version, patch, end)
    assert [k for k, *_ in events(migrated_db)] == ["silenced", "resolved"]


def _seed_episodes(store: Store) -> None:
    """Three episodes: ended before the window, overlapping its start, still open."""
    for rule, start, end in (
        ("cron_late:a", T0 - timedelta(days=3), T0 - timedelta(days=2)),
        ("cron_late:b", T0 - timedelta(hours=2), T0 + timedelta(hours=1)),
        ("tls_expiry", T0 + timedelta(hours=3), None),
    ):
        seed_episode(store, rule, start, end)


@pytest.mark.parametrize("transport", ["postgres", "supabase"])
def test_episodes_overlapping_a_window_on_both_transports(
    transport: str, request: pytest.FixtureRequest
) -> None:
    if transport == "postgres":
        store = open_store(request.getfixturevalue("migrated_db"))
    else:
        store = supabase_store(request.getfixturevalue("postgrest"))
    with store:
        _seed_episodes(store)
        episodes = alert_episodes(store, T0, T0 + timedelta(days=1))
    assert [(e.rule, e.open) for e in episodes] == [("tls_expiry", True), ("cron_late:b", False)]
    assert episodes[1].duration_s == 3 * 3600


def test_events_table_closed_to_anon(supabase_db: str) -> None:
    with psycopg.connect(supabase_db) as conn:
        conn.execute("set role anon")
        for table in ("monitoring_alert_events", "monitoring_reports"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"select * from {table}")
            conn.rollback()
            conn.execute("set role anon")


def test_events_of_the_old_vocabulary_are_rewritten(pg: LocalPostgres, tmp_path: Path) -> None:
    """Rows the trigger wrote before 20261207010000 ('fired', 'reminded') read as today's words."""
    before = tmp_path / "before"
    before.mkdir()
    for migration in migrations():
        if migration.version < "20261207010000":
            shutil.copy(migration.path, before / migration.path.name)
    name = f"old_events_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg.url, autocommit=True) as conn:
        conn.execute(f"create database {name}")
    url = pg.url_for(name)
    migrate(url, before)
    with psycopg.connect(url) as conn:
        for kind, minutes in (("fired", 0), ("reminded", 60), ("resolved", 90)):
            conn.execute(
                "insert into monitoring_alert_events (rule, kind, severity, at, episode_start)"
                " values ('tls_expiry', %s, 'warning', %s, %s)",
                (kind, T0 + minutes * MIN, T0),
            )
    assert "20261207010000_alert_transitions.sql" in migrate(url)
    assert [k for k, *_ in events(url)] == ["firing", "reminder", "resolved"]
    with open_store(url) as store:
        (episode,) = alert_episodes(store, T0, T0 + timedelta(days=1))
    assert episode.reminders == 1 and episode.duration_s == 90 * 60 and not episode.silenced
    with psycopg.connect(pg.url, autocommit=True) as conn:
        conn.execute(f"drop database {name} with (force)")
