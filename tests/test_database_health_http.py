"""/api/health/database over real HTTP, on a real PostgreSQL, through both transports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from tests.conftest import (
    DB_PASSWORD,
    SECRETS,
    SERVICE_KEY,
    DevServer,
    assert_no_secret,
    dead_url,
)

TOKEN = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}


@pytest.fixture(scope="module")
def server(module_db: str) -> Iterator[DevServer]:
    """Every secret and DATABASE_URL at `module_db`, which each test takes afresh through
    `clean_module_db`; the tests of the default settings share it instead of a start each."""
    started = DevServer({**SECRETS, "DATABASE_URL": module_db})
    yield started
    assert_no_secret(started.close())


def seed_leads(url: str, recent: int, old: int) -> None:
    now = datetime.now(UTC)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create table public.leads (id bigserial primary key, created_at timestamptz)")
        conn.execute("create index on public.leads (created_at)")
        conn.execute(
            """insert into public.leads (created_at)
               select %s - (i * interval '1 minute') from generate_series(1, %s) i""",
            (now, recent),
        )
        conn.execute(
            """insert into public.leads (created_at)
               select %s - interval '25 hours' - (i * interval '1 minute')
               from generate_series(1, %s) i""",
            (now, old),
        )


def test_database_health_direct(server: DevServer, clean_module_db: str) -> None:
    seed_leads(clean_module_db, recent=1234, old=300)
    assert server.get("/api/health/database").status_code == 401
    assert (
        server.get("/api/health/database", headers={"Authorization": "Bearer nope"}).status_code
        == 401
    )
    response = server.get("/api/health/database", headers=TOKEN)
    assert_no_secret(response.text)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert body["transport"] == "postgres"
    assert body["recent_leads_24h"] == 1234
    assert body["query_performance"] == "good" and body["latency_ms"] < 100
    assert 1 <= body["connection_count"] < body["max_connections"] == 200
    assert body["storage_bytes"] > 1_000_000
    assert body["storage_usage"] == f"{100 * body['storage_bytes'] / (8192 * 1024 * 1024):.0f}%"
    assert body["largest_tables"][0]["table"] == "leads"
    assert body["slow_queries"] == []
    assert "pg_stat_statements is not installed" in body["slow_queries_note"]


def test_database_health_with_pg_stat_statements(server: DevServer, clean_module_db: str) -> None:
    with psycopg.connect(clean_module_db, autocommit=True) as conn:
        conn.execute("create extension pg_stat_statements")
        conn.execute("select pg_stat_statements_reset()")
    body = server.get("/api/health/database", headers=TOKEN).json()
    assert "slow_queries_note" not in body
    assert body["slow_queries"] == []  # nothing ran longer than 2 s
    assert body["recent_leads_24h"] is None  # no leads table in this database


def test_storage_over_quota_degrades(dev_server, migrated_db: str) -> None:
    server = dev_server({**SECRETS, "DATABASE_URL": migrated_db, "DB_STORAGE_QUOTA_MB": "8"})
    body = server.get("/api/health/database", headers=TOKEN).json()
    assert body["status"] == "degraded"
    assert int(body["storage_usage"].rstrip("%")) >= 80


def test_database_down(dev_server) -> None:
    host = dead_url().removeprefix("http://")
    server = dev_server(
        {**SECRETS, "DATABASE_URL": f"postgresql://postgres:{DB_PASSWORD}@{host}/x"}
    )
    response = server.get("/api/health/database", headers=TOKEN)
    assert response.status_code == 503
    assert response.json() == {
        "status": "unhealthy",
        "transport": "postgres",
        "connection_count": None,
        "max_connections": None,
        "query_performance": None,
        "latency_ms": None,
        "storage_usage": None,
        "storage_bytes": None,
        "slow_queries": [],
        "largest_tables": [],
        "recent_leads_24h": None,
        "reason": "connection refused",
    }
    assert_no_secret(response.text)


def test_not_configured_and_production_rules(dev_server) -> None:
    server = dev_server({})
    body = server.get("/api/health/database").json()
    assert body["status"] == "not_configured"
    assert body["reason"] == "set DATABASE_URL, or SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY"
    production = dev_server({"VERCEL_ENV": "production"})
    response = production.get("/api/health/database")
    assert response.status_code == 403
    assert "HEALTH_TOKEN" in response.json()["error"]
    assert production.request("POST", "/api/health/database").status_code == 405


@pytest.mark.usefixtures("supabase_db")
def test_supabase_transport(dev_server, postgrest, supabase_db: str) -> None:
    """Only Supabase configured: the store and the /api/health probe go through PostgREST RPC."""
    seed_leads(supabase_db, recent=42, old=5)
    with psycopg.connect(supabase_db, autocommit=True) as conn:
        conn.execute("grant select on public.leads to service_role")
    env = {**SECRETS, "SUPABASE_URL": postgrest.url, "SUPABASE_SERVICE_ROLE_KEY": SERVICE_KEY}
    server = dev_server(env)
    response = server.get("/api/health/database", headers=TOKEN)
    assert_no_secret(response.text)
    body = response.json()
    # The word follows the ping's latency (good under 100 ms, docs/endpoints.md); through this
    # test's Python bridge on a loaded CI machine a ping took longer once: a timing, not what this
    # test is about (the bands are tested on the direct transport). Nothing else may degrade it.
    expected = "healthy" if body["query_performance"] == "good" else "degraded"
    assert body["status"] == expected and "reason" not in body, body
    assert body["transport"] == "supabase"
    assert body["recent_leads_24h"] == 42
    health = server.get("/api/health", headers=TOKEN).json()
    assert health["services"]["database"] == "connected"
    assert "monitoring_ping" in postgrest.calls


def test_supabase_unreachable(dev_server) -> None:
    env = {**SECRETS, "SUPABASE_URL": dead_url(), "SUPABASE_SERVICE_ROLE_KEY": SERVICE_KEY}
    server = dev_server(env)
    response = server.get("/api/health/database", headers=TOKEN)
    assert response.status_code == 503
    assert response.json()["reason"] == "connection refused"
    health = server.get("/api/health", headers=TOKEN).json()
    assert health["services"]["database"] == "disconnected"
    assert health["checks"]["database"]["reason"] == "connection refused"


def test_recent_window_is_24_hours(migrated_db: str) -> None:
    """The count uses [now-24h, now): a row 24h+1min old is outside."""
    from lib.store import Store
    from lib.store.postgres import PostgresTransport

    seed_leads(migrated_db, recent=3, old=2)
    now = datetime.now(UTC)
    with Store(PostgresTransport(migrated_db, 5)) as store:
        assert store.count_rows("leads", "created_at", now - timedelta(hours=24), now) == 3
