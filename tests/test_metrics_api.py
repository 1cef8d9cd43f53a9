"""GET /api/metrics over real HTTP, and the 2,500-leads day through both store transports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import psycopg
import pytest

from lib.core.config import load_settings
from lib.core.monitor_config import MonitorConfig, parse_monitor_config
from lib.metrics import DayWindow
from lib.metrics.runner import compute_day
from lib.metrics.tables import TABLE_SOURCES
from lib.store import Store
from lib.store.postgres import PostgresTransport
from lib.store.supabase import SupabaseTransport
from tests.conftest import SECRETS, SERVICE_KEY, assert_no_secret
from tests.metrics_seed import BERLIN, TOKEN, seed_series


def test_metrics_endpoint(dev_server, migrated_db: str) -> None:
    yesterday = datetime.now(BERLIN).date() - timedelta(days=1)
    seed_series(migrated_db, yesterday)
    server = dev_server({**SECRETS, "DATABASE_URL": migrated_db})
    assert server.get("/api/metrics?metric=leads").status_code == 401
    response = server.get("/api/metrics?metric=leads&days=7", headers=TOKEN)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert response.json() == {
        "metric": "leads",
        "unit": "count",
        "points": [
            {"day": str(yesterday - timedelta(days=3)), "value": 4},
            {"day": str(yesterday - timedelta(days=1)), "value": 9},
            {"day": str(yesterday), "value": 12},
        ],
    }, "days without a row are absent, never zero; older days are outside the window"
    assert len(server.get("/api/metrics?metric=leads", headers=TOKEN).json()["points"]) == 3
    assert len(server.get("/api/metrics?metric=leads&days=41", headers=TOKEN).json()["points"]) == 4
    uptime = server.get("/api/metrics?metric=uptime_pct&days=1", headers=TOKEN).json()
    assert uptime == {
        "metric": "uptime_pct",
        "unit": "%",
        "points": [{"day": str(yesterday), "value": 99.95}],
    }
    usd = server.get("/api/metrics?metric=revenue_cents_usd", headers=TOKEN).json()
    assert usd == {"metric": "revenue_cents_usd", "unit": "cents", "points": []}
    for query, message in (
        ("metric=nope", "unknown metric 'nope'"),
        ("", "metric is required"),
        ("metric=leads&days=0", "days must be a whole number from 1 to 366"),
        ("metric=leads&days=abc", "days must be a whole number"),
        ("metric=leads&days=367", "days must be a whole number"),
        ("metric=leads&days=-3", "days must be a whole number"),
        ("metric=leads&days=%C2%B2", "days must be a whole number"),  # '²' passes isdigit()
    ):
        bad = server.get(f"/api/metrics?{query}", headers=TOKEN)
        assert bad.status_code == 400, query
        assert message in bad.json()["error"]
        assert_no_secret(bad.text)
    assert server.request("HEAD", "/api/metrics?metric=leads", headers=TOKEN).status_code == 200
    post = server.request("POST", "/api/metrics?metric=leads", headers=TOKEN)
    assert post.status_code == 405 and post.headers["allow"] == "GET, HEAD"


def test_metrics_endpoint_store_down(dev_server) -> None:
    from lib.local.localpg import free_port

    url = f"postgresql://postgres:x@127.0.0.1:{free_port()}/nothing"
    server = dev_server({**SECRETS, "DATABASE_URL": url})
    response = server.get("/api/metrics?metric=leads", headers=TOKEN)
    assert response.status_code == 503
    assert response.json() == {"error": "store unavailable: connection refused"}


def leads_day(url: str, day: date, count: int) -> None:
    window = DayWindow.of(day, BERLIN)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "create table public.leads (id bigserial primary key, created_at timestamptz,"
            " channel text)"
        )
        conn.execute(
            """insert into public.leads (created_at, channel)
               select %(start)s + (i * %(step)s), case when i %% 5 = 0 then 'web' else 'phone' end
               from generate_series(0, %(n)s - 1) i""",
            {"start": window.start, "step": (window.end - window.start) / count, "n": count},
        )
        if conn.execute("select 1 from pg_roles where rolname = 'service_role'").fetchone():
            # Supabase's default privileges give service_role every new table in public.
            conn.execute("grant select on public.leads to service_role")
        conn.execute(  # just outside, on both sides
            "insert into public.leads (created_at) values (%s), (%s)",
            (window.start - timedelta(microseconds=1), window.end),
        )


@pytest.mark.parametrize("transport", ["postgres", "supabase"])
def test_2500_leads_count_as_2500_through_both_transports(
    transport: str, migrated_db: str, supabase_db: str, postgrest
) -> None:
    day = date(2026, 11, 10)
    url = migrated_db if transport == "postgres" else supabase_db
    leads_day(url, day, 2500)
    if transport == "postgres":
        store = Store(PostgresTransport(url, timeout=5))
    else:
        settings = load_settings(supabase_url=postgrest.url, supabase_service_role_key=SERVICE_KEY)
        store = Store(SupabaseTransport(settings, timeout=5))
    settings = load_settings()
    filtered = parse_monitor_config(
        '[metrics.leads]\ntable = "leads"\nfilter_column = "channel"\nfilter_value = "web"\n'
    )
    sources = [s for s in TABLE_SOURCES if s.metric == "leads"]
    window = DayWindow.of(day, BERLIN)
    with store:
        report = compute_day(settings, store, MonitorConfig(), window, 1e12, False, sources)
        only_web = compute_day(settings, store, filtered, window, 1e12, False, sources)
    assert report.unavailable == {}
    assert report.metrics == {"leads": 2500}
    assert only_web.metrics == {"leads": 500}, "the optional equality filter of monitoring.toml"
    assert datetime.now(UTC) > window.end
