"""Issue 17 findings 2, 4 and 5 on real PostgreSQL, over both store transports."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import psycopg
import pytest

from lib.core.errors import StoreError
from lib.store import Store
from tests.alerting import T0
from tests.stores import postgres_store, supabase_store

LEASE_S = 120


@pytest.fixture(params=["postgres", "supabase"])
def store_and_url(request: pytest.FixtureRequest) -> Iterator[tuple[Store, str]]:
    """(store, superuser URL of its database) for each transport."""
    if request.param == "postgres":
        url = request.getfixturevalue("migrated_db")
        store = postgres_store(url)
    else:
        url = request.getfixturevalue("supabase_db")
        store = supabase_store(request.getfixturevalue("postgrest"))
    with store:
        yield store, url


def test_notification_claimed_once_then_never_resent(store_and_url: tuple[Store, str]) -> None:
    store, _ = store_and_url
    assert store.last_notification("webhook") is None
    first = store.notification_claim("n1", "webhook", "rule_a", "firing", T0, LEASE_S)
    assert first.claimed and first.attempts == 1
    # A second run while the first is sending: not claimed, not sent -> it keeps its hands off.
    busy = store.notification_claim("n1", "webhook", "rule_a", "firing", T0, LEASE_S)
    assert (busy.claimed, busy.sent) == (False, False)
    # Another channel of the same notification is its own row.
    assert store.notification_claim("n1", "email", "rule_a", "firing", T0, LEASE_S).claimed
    store.notification_done("n1", "webhook", T0, None)
    later = T0 + timedelta(hours=1)
    done = store.notification_claim("n1", "webhook", "rule_a", "firing", later, LEASE_S)
    assert (done.claimed, done.sent) == (False, True)
    last = store.last_notification("webhook")
    assert last is not None and last.sent_at == T0 and last.error is None


def test_failed_or_abandoned_claim_is_retried(store_and_url: tuple[Store, str]) -> None:
    store, _ = store_and_url
    assert store.notification_claim("n2", "email", "rule_b", "firing", T0, LEASE_S).claimed
    store.notification_done("n2", "email", T0, "resend answered 500")
    last = store.last_notification("email")
    assert last is not None and last.sent_at is None and last.error == "resend answered 500"
    retry = store.notification_claim("n2", "email", "rule_b", "firing", T0, LEASE_S)
    assert retry.claimed and retry.attempts == 2
    # Killed mid-send (never recorded): within the lease nobody else sends, after it one does.
    within = T0 + timedelta(seconds=LEASE_S - 1)
    assert not store.notification_claim("n2", "email", "rule_b", "firing", within, LEASE_S).claimed
    after = T0 + timedelta(seconds=LEASE_S)
    assert store.notification_claim("n2", "email", "rule_b", "firing", after, LEASE_S).claimed


def test_notification_rows_closed_to_anon(supabase_db: str, postgrest: object) -> None:
    from tests.conftest import ANON_KEY

    with supabase_store(postgrest, ANON_KEY) as anon, pytest.raises(StoreError) as caught:
        anon.last_notification("email")
    assert caught.value.reason == "permission denied"  # 42501, never the function name
    with psycopg.connect(supabase_db) as conn:
        rls = conn.execute(
            "select relrowsecurity from pg_class where relname = 'monitoring_notifications'"
        ).fetchone()
    assert rls == (True,)


def _age_run(url: str, run_id: int, seconds: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "update monitoring_cron_runs set started_at = now() - make_interval(secs => %s) "
            "where id = %s",
            (seconds, run_id),
        )


def _outcome(url: str, run_id: int) -> tuple[str, str | None]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select outcome, error from monitoring_cron_runs where id = %s", (run_id,)
        ).fetchone()
    assert row is not None
    return row[0], row[1]


def test_stuck_run_is_abandoned_at_the_next_start(store_and_url: tuple[Store, str]) -> None:
    store, url = store_and_url
    stuck = store.cron_start("health_check", 60)
    recent = store.cron_start("daily_metrics", 60)
    _age_run(url, stuck, 61)
    _age_run(url, recent, 30)  # younger than maxDuration: may still be running
    store.cron_start("health_check", 60)
    store.cron_start("daily_metrics", 60)
    outcome, error = _outcome(url, stuck)
    assert outcome == "abandoned" and error is not None and "maxDuration (60 s)" in error
    assert _outcome(url, recent) == ("running", None)
    status = store.cron_status()
    assert status["health_check"].abandoned_7d == 1
    assert status["daily_metrics"].abandoned_7d == 0
    assert status["health_check"].last_success_at is None


def test_postgrest_error_text_never_relayed(supabase_db: str, postgrest: object) -> None:
    """Finding 2 at the transport: a 42501 from PostgREST becomes our words, not its message."""
    with psycopg.connect(supabase_db, autocommit=True) as conn:
        conn.execute("revoke execute on function monitoring_cron_status() from service_role")
    with supabase_store(postgrest) as store, pytest.raises(StoreError) as caught:
        store.cron_status()
    assert caught.value.reason == "permission denied"
    assert "monitoring_cron_status" not in caught.value.reason


def test_direct_transport_error_text_never_relayed(migrated_db: str) -> None:
    role = f"limited_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute(f"create role {role} login password 'limited-pw'")
        conn.execute(f"grant usage on schema public to {role}")
    parts = urlsplit(migrated_db)
    limited = f"postgresql://{role}:limited-pw@{parts.hostname}:{parts.port}{parts.path}"
    try:
        with postgres_store(limited) as store, pytest.raises(StoreError) as caught:
            store.cron_status()
        # The server said "permission denied for function monitoring_cron_status".
        assert caught.value.reason == "permission denied"
    finally:
        with psycopg.connect(migrated_db, autocommit=True) as conn:
            conn.execute(f"drop owned by {role}")
            conn.execute(f"drop role {role}")
