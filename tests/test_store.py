"""The store on real PostgreSQL: migrations, privileges, both transports, concurrency, atomicity."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import psycopg
import pytest

from lib.local.migrate import MigrationError, apply_file, migrate, migrations
from lib.store import Store, StoreError
from lib.store.postgres import PostgresTransport
from tests.alerting import T0
from tests.conftest import ANON_KEY
from tests.stores import postgres_store, supabase_store

TABLES = (
    "monitoring_health_checks",
    "monitoring_daily_metrics",
    "monitoring_alerts",
    "monitoring_cron_runs",
)

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db


def monitor_functions(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            """select p.oid::regprocedure::text from pg_proc p
               join pg_namespace n on n.oid = p.pronamespace
               where n.nspname = 'public' and p.proname like 'monitoring\\_%'"""
        ).fetchall()
    return [r[0] for r in rows]


def null_call(signature: str) -> str:
    """`f(text,bigint)` → `f(null::text,null::bigint)`: a call that needs only EXECUTE."""
    name, _, types = signature.partition("(")
    args = [f"null::{t.strip()}" for t in types.rstrip(")").split(",") if t.strip()]
    return f"{name}({', '.join(args)})"


def test_migrations_on_a_bare_cluster(fresh_db: str) -> None:
    assert migrate(fresh_db) == [m.path.name for m in migrations()]
    assert migrate(fresh_db) == [], "a second run applies nothing"
    with psycopg.connect(fresh_db) as conn:
        rls = dict(
            conn.execute(
                "select relname, relrowsecurity from pg_class where relname = any(%s)",
                (list(TABLES),),
            ).fetchall()
        )
        assert rls == dict.fromkeys(TABLES, True)
        policies = conn.execute(
            "select count(*) from pg_policies where tablename like 'monitoring%'"
        )
        assert policies.fetchone()[0] == 0
    before = monitor_functions(fresh_db)
    # Re-applying a migration is an error the tool reports, and it changes nothing.
    with (
        psycopg.connect(fresh_db, autocommit=True) as conn,
        pytest.raises(MigrationError) as caught,
    ):
        apply_file(conn, migrations()[0])
    assert "already exists" in str(caught.value) and "nothing was applied" in str(caught.value)
    assert monitor_functions(fresh_db) == before


def test_cli_migrate(fresh_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    from lib.local.cli import main

    main(["migrate", "--database-url", fresh_db])
    assert "applied 20261127120000_monitoring_store.sql" in capsys.readouterr().out
    main(["migrate", "--database-url", fresh_db])
    assert "up to date" in capsys.readouterr().out


def test_anon_refused_everywhere_service_role_allowed(supabase_db: str) -> None:
    functions = monitor_functions(supabase_db)
    assert len(functions) >= 15
    with psycopg.connect(supabase_db, autocommit=True) as conn:
        for role in ("anon", "authenticated"):
            conn.execute(f"set role {role}")
            for table in TABLES:
                for statement in (f"select * from {table}", f"delete from {table}"):
                    with pytest.raises(psycopg.errors.InsufficientPrivilege):
                        conn.execute(statement)
            for function in functions:
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(f"select public.{null_call(function)}")
            conn.execute("reset role")
        conn.execute("set role service_role")
        for table in TABLES:
            conn.execute(f"select count(*) from {table}")
        for function in functions:
            assert conn.execute(
                "select has_function_privilege(%s, 'execute')", (function,)
            ).fetchone()[0]
        assert conn.execute("select public.monitoring_ping()").fetchone()[0] == 1
        conn.execute("reset role")


def test_anon_key_refused_through_postgrest(postgrest) -> None:
    with supabase_store(postgrest, ANON_KEY) as store, pytest.raises(StoreError) as caught:
        store.record_checks([{"service": "database", "status": "ok", "latency_ms": 3}])
    assert "permission denied" in str(caught.value)
    with supabase_store(postgrest) as store:
        assert store.record_checks([{"service": "database", "status": "ok", "latency_ms": 3}]) == 1


def exercise(store: Store) -> dict[str, object]:
    """Every store operation once, on fixed inputs; returns what each gave back."""
    out: dict[str, object] = {}
    store.ping()
    checks = []
    for minute in range(10):
        at = T0 + timedelta(minutes=5 * minute)
        checks += [
            {"service": "database", "status": "ok", "latency_ms": 10 + minute, "checked_at": at},
            {
                "service": "stripe",
                "status": "down" if minute >= 7 else "ok",
                "latency_ms": 100 + minute,
                "reason": "timeout" if minute >= 7 else None,
                "checked_at": at,
            },
        ]
    out["recorded"] = store.record_checks(checks)
    out["uptime"] = store.uptime(T0, T0 + timedelta(hours=1))
    out["latest"] = store.latest_checks()
    out["since"] = store.checks_since("stripe", T0 + timedelta(minutes=30))
    out["down_since"] = store.down_since("stripe")
    out["db_down_since"] = store.down_since("database")
    rows = [
        {"day": date(2026, 11, 19), "metric": "leads", "value": 42, "unit": "count"},
        {"day": date(2026, 11, 19), "metric": "revenue_cents", "value": 123456, "unit": "cents"},
        {"day": date(2026, 11, 20), "metric": "leads", "value": 7, "unit": "count"},
    ]
    out["upserted"] = store.upsert_daily_metrics(rows)
    out["upserted_again"] = store.upsert_daily_metrics(rows[:1])
    out["days"] = store.metric_days(date(2026, 11, 1), date(2026, 11, 30))
    out["series"] = store.metric_series("leads", date(2026, 11, 1), date(2026, 11, 30))
    out["of_day"] = store.metrics_of_day(date(2026, 11, 19))
    first = store.alert_cas(
        "payment_failure_rate",
        0,
        {"state": "firing", "severity": "critical", "since": T0, "last_value": 7.5},
    )
    assert first is not None
    out["alert_insert"] = first.model_dump(exclude={"updated_at"})
    out["alert_lost"] = store.alert_cas("payment_failure_rate", 0, {"state": "ok"})
    second = store.alert_cas(
        "payment_failure_rate",
        first.version,
        {"last_notified_at": T0, "pending": {"kind": "firing"}},
    )
    assert second is not None
    out["alert_update"] = second.model_dump(exclude={"updated_at"})
    out["alert_stale"] = store.alert_cas("payment_failure_rate", first.version, {"state": "ok"})
    out["alerts"] = {k: v.model_dump(exclude={"updated_at"}) for k, v in store.alerts().items()}
    run = store.cron_start("daily_metrics")
    store.cron_finish(run, "success", None, {"days": ["2026-11-19"]})
    failed = store.cron_start("health_check")
    store.cron_finish(failed, "failure", "stripe: timeout", None)
    status = store.cron_status()
    out["cron"] = {
        job: (s.last_outcome, s.last_error, s.last_success_at is not None)
        for job, s in status.items()
    }
    out["count_missing"] = store.count_rows("no_such_table", "created_at", T0, T0)
    out["pruned"] = store.prune_checks(T0 + timedelta(minutes=1))
    stats = store.database_stats()
    out["stats_keys"] = sorted(stats.model_dump())
    return out


def test_both_transports_give_identical_results(migrated_db: str, postgrest) -> None:
    with postgres_store(migrated_db) as direct:
        expected = exercise(direct)
    with supabase_store(postgrest) as via_rpc:
        actual = exercise(via_rpc)
    assert actual == expected
    assert postgrest.calls, "the Supabase transport really went through the PostgREST contract"
    assert expected["recorded"] == 20
    uptime = expected["uptime"]
    assert uptime["stripe"].uptime_pct == 70.0 and uptime["stripe"].failed == 3
    assert uptime["database"].uptime_pct == 100.0
    assert uptime["overall"].checks == 20 and uptime["overall"].uptime_pct == 85.0
    assert uptime["database"].p95_latency_ms == 18.6  # percentile_cont, rounded to 0.1
    assert expected["down_since"] == T0 + timedelta(minutes=35)
    assert expected["db_down_since"] is None
    assert expected["alert_lost"] is None and expected["alert_stale"] is None
    assert expected["of_day"] == {"leads": 42.0, "revenue_cents": 123456.0}
    assert expected["days"] == [date(2026, 11, 19), date(2026, 11, 20)]
    assert expected["cron"] == {
        "daily_metrics": ("success", None, True),
        "health_check": ("failure", "stripe: timeout", False),
    }
    assert expected["count_missing"] is None
    assert expected["pruned"] == 2


@pytest.mark.parametrize("transport", ["postgres", "supabase"])
def test_count_rows_beyond_the_row_cap(
    migrated_db: str, request: pytest.FixtureRequest, transport: str
) -> None:
    url = migrated_db if transport == "postgres" else request.getfixturevalue("supabase_db")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "create table public.leads (id bigserial primary key, created_at timestamptz, src text)"
        )
        conn.execute(
            """insert into public.leads (created_at, src)
               select %s::timestamptz + (i * interval '30 seconds'),
                      case when i %% 2 = 0 then 'chat' else 'form' end
               from generate_series(0, 2499) i""",
            (T0,),
        )
        conn.execute(
            "insert into public.leads (created_at) values (%s), (%s)",
            (T0 - timedelta(seconds=1), T0 + timedelta(days=1)),
        )
        if transport == "supabase":
            conn.execute("grant select on public.leads to service_role")
    store = (
        postgres_store(url)
        if transport == "postgres"
        else supabase_store(request.getfixturevalue("postgrest"))
    )
    with store:
        assert store.count_rows("leads", "created_at", T0, T0 + timedelta(days=1)) == 2500
        assert (
            store.count_rows("leads", "created_at", T0, T0 + timedelta(days=1), "src", "chat")
            == 1250
        )
        assert store.count_rows("leads", "missing_column", T0, T0) is None
        assert store.count_rows("leads; drop table leads", "created_at", T0, T0) is None


def test_concurrent_upserts_leave_one_row_per_metric(migrated_db: str) -> None:
    day = date(2026, 11, 19)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(value: int) -> None:
        try:
            with postgres_store(migrated_db) as store:
                for round_ in range(15):
                    barrier.wait(timeout=10)
                    store.upsert_daily_metrics(
                        [
                            {
                                "day": day,
                                "metric": f"m{i}",
                                "value": value + round_,
                                "unit": "count",
                            }
                            for i in range(20)
                        ]
                    )
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(v,)) for v in (100, 200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    with psycopg.connect(migrated_db) as conn:
        rows = conn.execute(
            "select metric, count(*) from monitoring_daily_metrics group by metric"
        ).fetchall()
    assert len(rows) == 20 and {count for _, count in rows} == {1}


@pytest.mark.parametrize("transport", ["postgres", "supabase"])
def test_a_failing_upsert_writes_nothing(
    migrated_db: str, request: pytest.FixtureRequest, transport: str
) -> None:
    if transport == "postgres":
        store, url = postgres_store(migrated_db), migrated_db
    else:
        store, url = (
            supabase_store(request.getfixturevalue("postgrest")),
            request.getfixturevalue("supabase_db"),
        )
    rows = [
        {"day": date(2026, 11, 19), "metric": f"m{i}", "value": i, "unit": "count"}
        for i in range(10)
    ]
    rows[6] = {**rows[6], "metric": "Not A Valid Name"}  # the check constraint fails half-way
    with store, pytest.raises(StoreError):
        store.upsert_daily_metrics(rows)
    with psycopg.connect(url) as conn:
        assert conn.execute("select count(*) from monitoring_daily_metrics").fetchone()[0] == 0


def test_alert_compare_and_set_has_one_winner(migrated_db: str) -> None:
    with postgres_store(migrated_db) as store:
        row = store.alert_cas("storage", 0, {"state": "ok"})
        assert row is not None
    barrier = threading.Barrier(8)
    winners: list[object] = []

    def contender() -> None:
        with postgres_store(migrated_db) as own:
            barrier.wait(timeout=10)
            result = own.alert_cas("storage", row.version, {"state": "firing"})
            if result is not None:
                winners.append(result)

    threads = [threading.Thread(target=contender) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(winners) == 1


def test_database_stats_with_and_without_pg_stat_statements(migrated_db: str) -> None:
    with postgres_store(migrated_db) as store:
        without = store.database_stats()
    assert without.pg_stat_statements is False and without.slow_queries == []
    assert without.storage_bytes > 1_000_000 and without.max_connections == 200
    assert without.connection_count >= 1
    assert {t["table"] for t in without.largest_tables} >= {"monitoring_health_checks"}
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute("create extension pg_stat_statements")
        conn.execute("select pg_sleep(0.06)")
    with postgres_store(migrated_db) as store:
        with_ext = store.database_stats(slow_ms=50)
    assert with_ext.pg_stat_statements is True
    assert any("pg_sleep" in q["query"] and q["mean_ms"] >= 50 for q in with_ext.slow_queries)


def test_a_direct_call_carries_its_own_timeout_and_leaves_the_session_as_it_was(
    migrated_db: str,
) -> None:
    """One query per call (`set_config(..., true)`; the call): the timeout holds for the call in
    the same implicit transaction, and the pooled session keeps its own setting after."""
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute(
            "create function public.monitoring_test_sleep(p_s double precision) returns integer"
            " language sql as 'select 1 from pg_sleep(p_s)'"
        )
    transport = PostgresTransport(migrated_db, timeout=0.2)
    with Store(transport) as store:
        assert store.call("monitoring_test_sleep", p_s=0.01) == 1
        with pytest.raises(StoreError) as failed:
            store.call("monitoring_test_sleep", p_s=2)
        assert failed.value.reason == "timeout"
        session = transport._connection()
        assert session.execute("show statement_timeout").fetchone() == ("0",)
        assert store.alerts() == {}  # the connection is usable after the cancelled call
