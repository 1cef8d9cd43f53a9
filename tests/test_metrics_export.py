"""GET /api/metrics: several metrics, format=csv; the one-call store read on both transports."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest

from lib.core.config import load_settings
from lib.store import Store
from lib.store.postgres import PostgresTransport
from lib.store.supabase import SupabaseTransport
from tests.conftest import SECRETS, SERVICE_KEY, assert_no_secret
from tests.metrics_seed import BERLIN, TOKEN, seed_series


def test_several_metrics_as_json_and_csv(dev_server, migrated_db: str) -> None:
    yesterday = datetime.now(BERLIN).date() - timedelta(days=1)
    seed_series(migrated_db, yesterday)
    server = dev_server({**SECRETS, "DATABASE_URL": migrated_db})
    assert server.get("/api/metrics?metric=leads,uptime_pct&format=csv").status_code == 401
    both = server.get("/api/metrics?metric=leads,uptime_pct&days=7", headers=TOKEN)
    assert both.status_code == 200
    body = both.json()
    assert (body["first"], body["last"]) == (str(yesterday - timedelta(days=6)), str(yesterday))
    assert [(s["metric"], s["unit"], len(s["points"])) for s in body["series"]] == [
        ("leads", "count", 3),
        ("uptime_pct", "%", 1),
    ]
    assert body["series"][0]["points"][-1] == {"day": str(yesterday), "value": 12}

    response = server.get("/api/metrics?metric=leads,uptime_pct&days=7&format=csv", headers=TOKEN)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="metrics.csv"'
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["day", "leads", "uptime_pct"]
    assert len(rows) == 1 + 7, "every day of the window, the missing ones with empty cells"
    by_day = {row[0]: row[1:] for row in rows[1:]}
    assert by_day[str(yesterday)] == ["12", "99.95"]
    assert by_day[str(yesterday - timedelta(days=2))] == ["", ""], "a gap, never a zero"
    assert by_day[str(yesterday - timedelta(days=3))] == ["4", ""]

    one = server.get("/api/metrics?metric=leads&days=2&format=csv", headers=TOKEN)
    assert one.headers["content-disposition"] == 'attachment; filename="leads.csv"'
    assert one.text.splitlines() == [
        "day,leads",
        f"{yesterday - timedelta(days=1)},9",
        f"{yesterday},12",
    ]

    everything = server.get("/api/metrics?metric=all&days=1", headers=TOKEN).json()
    names = [s["metric"] for s in everything["series"]]
    assert {"leads", "uptime_pct", "registrations"} <= set(names)
    assert {s["metric"]: len(s["points"]) for s in everything["series"]}["uptime_pct"] == 1

    for query, message in (
        ("metric=leads,nope", "unknown metric 'nope'"),
        ("metric=leads&format=xml", "format must be json or csv"),
        ("metric=,,", "metric takes 1 to 64"),
        ("metric=" + ",".join(["leads"] * 2 + [f"m{i}" for i in range(70)]), "metric takes 1"),
    ):
        bad = server.get(f"/api/metrics?{query}", headers=TOKEN)
        assert bad.status_code == 400, query
        assert message in bad.json()["error"]
        assert_no_secret(bad.text)


@pytest.mark.parametrize("transport", ["postgres", "supabase"])
def test_metric_series_many_through_both_transports(
    transport: str, migrated_db: str, supabase_db: str, postgrest
) -> None:
    url = migrated_db if transport == "postgres" else supabase_db
    day = date(2026, 11, 10)
    seed_series(url, day)
    if transport == "postgres":
        store = Store(PostgresTransport(url, timeout=5))
    else:
        settings = load_settings(supabase_url=postgrest.url, supabase_service_role_key=SERVICE_KEY)
        store = Store(SupabaseTransport(settings, timeout=5))
    with store:
        found = store.metric_series_many(
            ["leads", "uptime_pct", "registrations"], day - timedelta(days=5), day
        )
        facts = store.console_facts()
    assert [p["value"] for p in found["leads"]] == [4, 9, 12]
    assert found["uptime_pct"] == [{"day": str(day), "value": 99.95}]
    assert "registrations" not in found
    assert facts["pg_stat_statements"] is False
    assert facts["migrations"] and facts["migrations"][-1] >= "20261203160000"


def test_issue_29_metrics_in_the_export(dev_server, migrated_db: str) -> None:
    """Every new catalog metric is a column of `metric=all`; the per-model and per-bucket
    families are asked for by name, like revenue per currency."""
    yesterday = datetime.now(BERLIN).date() - timedelta(days=1)
    rows = (
        ("net_revenue_cents", 13800, "cents"),
        ("storage_bytes", 4_000_000, "bytes"),
        ("openai_model_tokens_gpt_4o", 900_000, "tokens"),
        ("storage_bucket_bytes_logos", 1_000_000, "bytes"),
    )
    with Store(PostgresTransport(migrated_db, timeout=5)) as store:
        store.upsert_daily_metrics(
            [{"day": yesterday, "metric": m, "value": v, "unit": u} for m, v, u in rows]
        )
    server = dev_server({**SECRETS, "DATABASE_URL": migrated_db})
    every = server.get("/api/metrics?metric=all&days=2&format=csv", headers=TOKEN)
    header = every.text.splitlines()[0].split(",")
    new = ("disputes_opened", "refunded_cents", "net_revenue_cents", "early_fraud_warnings")
    assert set(new) | {"openai_input_tokens", "openai_requests", "storage_bytes"} <= set(header)
    row = dict(zip(header, every.text.splitlines()[-1].split(","), strict=True))
    assert (row["net_revenue_cents"], row["storage_bytes"]) == ("13800", "4000000")
    named = server.get(
        "/api/metrics?metric=openai_model_tokens_gpt_4o,storage_bucket_bytes_logos&days=1",
        headers=TOKEN,
    ).json()
    assert [(s["unit"], s["points"][0]["value"]) for s in named["series"]] == [
        ("tokens", 900_000),
        ("bytes", 1_000_000),
    ]
