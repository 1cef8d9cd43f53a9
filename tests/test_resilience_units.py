"""Units of issue 18: locating a TOML problem, the store-down windows, the outage episode on both
store transports, config_invalid from the daily cron, the heartbeat URL kept secret."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lib.alerts.config_state import load_rules
from lib.alerts.evaluate import evaluate_daily_rules
from lib.alerts.outage import first_announcement, record_store_outage, sends_in_window, window_start
from lib.core.config_problems import key_line, syntax_problem
from lib.core.monitor_config import MonitorConfig, parse_monitor_config
from lib.store import Store
from tests.alerting import open_store, seed_checks, settings_for
from tests.stores import supabase_store

FIVE = timedelta(minutes=5)
TEXT = """# comment
[metrics.leads]
table = "leads"

[alerts.cron_late]
jobs = { health_check = 0.5 }
alerts.x.y = 1

[[maintenance]]
reason = "a"
[[maintenance]]
reason = "b"
"""


@pytest.mark.parametrize(
    ("key", "line"),
    [
        (("metrics", "leads", "table"), 3),
        (("metrics", "leads", "column"), 2),  # not written: its table's header
        (("alerts", "cron_late", "jobs", "helth"), 6),  # inside an inline table: its line
        (("alerts", "cron_late", "alerts", "x", "y"), 7),  # a dotted key
        (("maintenance", 1, "reason"), 12),  # the second [[maintenance]] item
        (("nowhere",), None),
    ],
)
def test_key_line(key: tuple[str | int, ...], line: int | None) -> None:
    assert key_line(TEXT, key) == line


def test_syntax_problem_names_line_and_key_not_value() -> None:
    problem = syntax_problem(
        "m.toml", "a = 1\nsecret = 'abc\n", "Unterminated string (at line 2, column 10)"
    )
    assert problem.describe() == "m.toml line 2: secret: invalid TOML: Unterminated string"
    at_end = syntax_problem("m.toml", "a = [\n1,\n", "Unclosed array (at end of document)")
    assert at_end.line == 2


def test_windows_and_the_run_that_sends() -> None:
    at = datetime(2026, 12, 3, 10, 29, 59, tzinfo=UTC)
    assert window_start(at) == datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    assert sends_in_window(datetime(2026, 12, 3, 10, 4, 59, tzinfo=UTC), FIVE)
    assert not sends_in_window(datetime(2026, 12, 3, 10, 5, tzinfo=UTC), FIVE)
    assert sends_in_window(at, timedelta(hours=24)), "a daily schedule: every run sends"
    last = datetime(2026, 12, 3, 9, 55, tzinfo=UTC)
    assert first_announcement(last, last + timedelta(minutes=9), FIVE, MonitorConfig()) is None
    assert first_announcement(last, last + timedelta(minutes=10), FIVE, MonitorConfig()) == (
        datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    )
    muted = parse_monitor_config(
        "[[maintenance]]\nstart = 2026-12-03T09:50:00Z\nend = 2026-12-03T10:20:00Z\n"
    )
    assert first_announcement(last, last + timedelta(hours=1), FIVE, muted) == (
        datetime(2026, 12, 3, 10, 30, tzinfo=UTC)
    )


@pytest.mark.parametrize("transport", ["postgres", "supabase"])
def test_an_outage_is_recorded_once_on_both_transports(
    transport: str, request: pytest.FixtureRequest
) -> None:
    if transport == "postgres":
        url = request.getfixturevalue("migrated_db")
        stores = [open_store(url) for _ in range(4)]
    else:
        bridge = request.getfixturevalue("postgrest")
        stores = [supabase_store(bridge) for _ in range(4)]
    last = datetime(2026, 12, 3, 9, 55, tzinfo=UTC)
    now = last + timedelta(minutes=45)
    seed_checks(stores[0], "database", [(last - FIVE, "ok"), (last, "ok"), (now, "ok")])
    assert stores[0].last_check_before(now) == last
    assert stores[0].last_check_before(last - FIVE) is None
    rows: list[object] = []

    def record(store: Store) -> None:
        rows.append(record_store_outage(store, now, FIVE, MonitorConfig()))

    threads = [threading.Thread(target=record, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    written = [r for r in rows if r is not None]
    assert len(written) == 1, "overlapping runs record the gap once"
    row = stores[0].alerts()["store_unreachable"]
    assert (row.state, row.since, row.severity) == ("firing", last + FIVE, "critical")
    assert row.last_notified_at == datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    assert record_store_outage(stores[0], now + FIVE, FIVE, MonitorConfig()) is None
    for store in stores:
        store.transport.close()


def test_daily_cron_fires_config_invalid_too(migrated_db: str, tmp_path: Path) -> None:
    config = tmp_path / "monitoring.toml"
    config.write_text("[alerts.tls_expiry]\nenabeld = false\n")
    settings = settings_for(migrated_db, config)
    assert load_rules(settings).problem == (
        "monitoring.toml line 2: alerts.tls_expiry.enabeld: Extra inputs are not permitted"
    )
    with open_store(migrated_db) as store:
        summary = evaluate_daily_rules(store, settings, datetime(2026, 12, 3, 0, 15, tzinfo=UTC))
    assert summary["alerts"]["config_invalid"]["state"] == "firing"


def test_heartbeat_url_is_a_secret() -> None:
    settings = settings_for(
        "postgresql://x@127.0.0.1/db", heartbeat_url="https://hc-ping.com/5bf66975-d4c7"
    )
    assert "/5bf66975-d4c7" in settings.secret_values()
