"""The store calls of checks and heartbeats (lib/checks/store.py) over both transports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lib.checks.heartbeats import token_key
from lib.checks.store import check_states, heartbeat_rows, record_ping
from lib.store import Store, StoreError
from tests.conftest import ANON_KEY
from tests.stores import postgres_store, supabase_store

T0 = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)


def exercise(store: Store) -> None:
    store.record_checks(
        [
            {"service": "check:home", "status": s, "latency_ms": 90, "checked_at": T0 + d}
            for s, d in (
                ("ok", timedelta(0)),
                ("down", timedelta(minutes=5)),
                ("down", timedelta(minutes=10)),
            )
        ]
        + [{"service": "database", "status": "ok", "latency_ms": 3, "checked_at": T0}]
    )
    states = check_states(store)
    assert set(states) == {"home"}  # only `check:` rows
    assert states["home"].status == "down"
    assert states["home"].down_since == T0 + timedelta(minutes=5)
    assert states["home"].last_down_at == T0 + timedelta(minutes=10)
    key = token_key("a-token-of-twenty-four-chars")
    assert record_ping(store, key, "job", "start", None, None, T0, 2)
    assert record_ping(store, key, "job", "fail", 2, "boom\x00", T0 + timedelta(seconds=3), 2)
    assert not record_ping(store, key, "job", "success", None, None, T0, 2)  # third in a minute
    row = heartbeat_rows(store)["job"]
    assert (row.last_kind, row.last_exit_code, row.last_duration_ms) == ("fail", 2, 3000)
    assert row.fail_body == "boom\ufffd" and row.pings == 2


def test_direct_transport(migrated_db: str) -> None:
    with postgres_store(migrated_db) as store:
        exercise(store)


def test_supabase_transport_and_no_anon_access(postgrest: object) -> None:
    with supabase_store(postgrest) as store:
        exercise(store)
    with supabase_store(postgrest, ANON_KEY) as anon, pytest.raises(StoreError):
        record_ping(anon, "0" * 64, None, "success", None, None, T0, 20)
