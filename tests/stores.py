"""A Store through either transport: direct PostgreSQL or PostgREST (the Supabase path)."""

from __future__ import annotations

from lib.core.config import load_settings
from lib.store import Store
from lib.store.postgres import PostgresTransport
from lib.store.supabase import SupabaseTransport
from tests.conftest import SERVICE_KEY


def supabase_store(bridge: object, key: str = SERVICE_KEY) -> Store:
    settings = load_settings(supabase_url=bridge.url, supabase_service_role_key=key)  # type: ignore[attr-defined]
    return Store(SupabaseTransport(settings, timeout=5))


def postgres_store(url: str) -> Store:
    return Store(PostgresTransport(url, timeout=5))
