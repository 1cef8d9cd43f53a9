"""lib/alerts/outage.py: the windows in which a store outage is announced, and an outage recorded
once by overlapping runs on both store transports."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from lib.alerts.outage import first_announcement, record_store_outage, sends_in_window, window_start
from lib.core.monitor_config import MonitorConfig, parse_monitor_config
from lib.store import Store
from tests.alerting import open_store, seed_checks
from tests.stores import supabase_store

FIVE = timedelta(minutes=5)


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
