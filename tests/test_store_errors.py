"""Store errors on both transports: the server's text (function names, its message) is never
relayed, only our reason."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import psycopg
import pytest

from lib.core.errors import StoreError
from tests.stores import postgres_store, supabase_store


def test_postgrest_error_text_never_relayed(supabase_db: str, postgrest: object) -> None:
    """A 42501 from PostgREST becomes our words, not its message."""
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
