"""Notification claims in the store (monitoring_notifications) on both transports: claimed once,
retried after a failure or an expired lease, closed to anon."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest

from lib.core.errors import StoreError
from lib.store import Store
from tests.alerting import T0
from tests.conftest import ANON_KEY
from tests.stores import supabase_store

LEASE_S = 120


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
    with supabase_store(postgrest, ANON_KEY) as anon, pytest.raises(StoreError) as caught:
        anon.last_notification("email")
    assert caught.value.reason == "permission denied"  # 42501, never the function name
    with psycopg.connect(supabase_db) as conn:
        rls = conn.execute(
            "select relrowsecurity from pg_class where relname = 'monitoring_notifications'"
        ).fetchone()
    assert rls == (True,)
