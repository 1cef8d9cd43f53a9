"""A reachable database without the monitor's schema, or with an older one, is named as such.

Through `python -m lib dev` (what `make dev` runs) over both transports: its start message, then
/api/health (`connected`), /api/health/database (degraded, the sentence) and both crons (503, the
sentence, nothing written), on a real PostgreSQL and through the PostgREST bridge.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import psycopg
import pytest

from lib.core.config import Settings
from lib.local.localpg import LocalPostgres
from lib.local.migrate import MIGRATIONS_DIR, migrate
from lib.metrics import today
from lib.store import Store
from lib.store.migration_versions import MIGRATION_VERSIONS
from lib.store.postgres import PostgresTransport
from lib.store.schema import NOT_INSTALLED, VERSIONS_SINCE, behind_reason, check, compare
from tests.conftest import SECRETS, SERVICE_KEY, assert_no_secret, vendor_env
from tests.devprocess import run_dev, stop
from tests.postgrest_bridge import PostgrestBridge

TOKEN = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
CRON = {"Authorization": f"Bearer {SECRETS['CRON_SECRET']}"}
# A migration older than the newest, left out: what an out-of-order merge leaves behind.
GAP = "20261127170000"
OLDER = [version for version in MIGRATION_VERSIONS if version >= VERSIONS_SINCE]
REASONS = {
    "missing": NOT_INSTALLED,
    "older": behind_reason(OLDER),
    "gap": behind_reason([GAP]),
}
MONITOR_TABLES = ("monitoring_cron_runs", "monitoring_health_checks", "monitoring_daily_metrics")


def test_the_code_knows_every_migration_file() -> None:
    """Vercel's bundles exclude supabase/: the versions travel in lib/store/migration_versions."""
    files = sorted(
        m[1] for p in MIGRATIONS_DIR.iterdir() if (m := re.match(r"^([0-9]+)_(.*)\.sql$", p.name))
    )
    missing = [f'    "{version}",' for version in files if version not in MIGRATION_VERSIONS]
    assert not missing, "add to lib/store/migration_versions.py:\n" + "\n".join(missing)
    assert list(MIGRATION_VERSIONS) == files, "lib/store/migration_versions.py lists a removed file"


def test_compare() -> None:
    expected = ("1", VERSIONS_SINCE, "3")
    assert compare(None, expected).state == "unknown"
    assert compare(["1", "3"], expected).state == "unknown", "not recorded by a migration tool"
    assert compare(["1", VERSIONS_SINCE, "3", "4"], expected).state == "current"
    behind = compare(["0", VERSIONS_SINCE], expected)
    assert (behind.state, behind.missing) == ("behind", ["1", "3"])
    assert behind.reason == (
        "monitor schema older than the code: migrations 1, 3 not applied: "
        "apply supabase/migrations (python -m lib migrate or supabase db push)"
    )
    many = behind_reason([str(n) for n in range(7)])
    assert "migrations 0, 1, 2 and 4 more not applied" in many and len(many) < 200


def prepare(cluster: LocalPostgres, state: str, tmp_path: Path) -> str:
    """A new database on `cluster` in `state`; returns its superuser URL.

    Fully migrated states are clones of the cluster's `monitor_template` (every migration applied
    by `migrate`, see conftest), not a migration run of their own."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    template = " template monitor_template" if state in ("gap", "current") else ""
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute(f"create database {name}{template}")
    url = cluster.url_for(name)
    if state == "older":
        for path in MIGRATIONS_DIR.glob("*.sql"):
            if path.name < VERSIONS_SINCE:
                shutil.copy(path, tmp_path)
        migrate(url, tmp_path)
    if state == "gap":
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "delete from supabase_migrations.schema_migrations where version = %s", (GAP,)
            )
    return url


def drop(cluster: LocalPostgres, url: str) -> None:
    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute(f"drop database if exists {url.rsplit('/', 1)[1]} with (force)")


@pytest.fixture(params=["postgres", "supabase"])
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def target(
    request: pytest.FixtureRequest, transport: str, tmp_path: Path
) -> Iterator[tuple[str, str, dict[str, str], PostgrestBridge | None]]:
    """(state, database URL, store settings, bridge) for the test's `state` over `transport`."""
    state = request.param
    cluster = request.getfixturevalue("pg" if transport == "postgres" else "supabase_pg")
    if transport == "postgres":
        request.getfixturevalue("monitor_template")  # supabase_pg makes its own
    url = prepare(cluster, state, tmp_path)
    bridge = None
    if transport == "postgres":
        env = {"DATABASE_URL": url}
    else:
        bridge = PostgrestBridge(url, {SERVICE_KEY: "service_role"})
        env = {"SUPABASE_URL": bridge.url, "SUPABASE_SERVICE_ROLE_KEY": SERVICE_KEY}
    yield state, url, env, bridge
    if bridge is not None:
        bridge.close()
    drop(cluster, url)


def written(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {
            table: conn.execute(f"select count(*) from public.{table}").fetchone()[0]
            for table in MONITOR_TABLES
            if conn.execute("select to_regclass(%s)", (f"public.{table}",)).fetchone()[0]
        }


@pytest.mark.parametrize("target", ["missing", "older", "gap"], indirect=True)
def test_missing_or_older_schema_is_named(
    target, transport: str, fake_openai, fake_stripe, fake_resend
) -> None:
    state, url, store_env, bridge = target
    reason = REASONS[state]
    env = {**vendor_env(fake_openai, fake_stripe, fake_resend, None), **store_env}
    process, base = run_dev(env)
    try:
        health = httpx.get(base + "/api/health", headers=TOKEN, timeout=10).json()
        assert health["services"]["database"] == "connected", health
        response = httpx.get(base + "/api/health/database", headers=TOKEN, timeout=10)
        assert response.status_code == 200
        body = response.json()
        assert (body["status"], body["reason"], body["transport"]) == (
            "degraded",
            reason,
            transport,
        )
        if state != "missing":  # the statistics still come through the older schema's functions
            assert body["max_connections"] > 0 and body["query_performance"] is not None
        for job in ("health_check", "daily_metrics"):
            answer = httpx.get(f"{base}/api/cron/{job}", headers=CRON, timeout=30)
            assert answer.status_code == 503
            assert (answer.json()["job"], answer.json()["error"]) == (job, reason)
            assert "run_id" not in answer.json(), "a run was recorded"
            assert_no_secret(answer.text)
    finally:
        output = stop(process)
    assert reason in output, output
    assert_no_secret(output)
    assert all(count == 0 for count in written(url).values()), written(url)
    if state == "missing":
        assert written(url) == {}, "a cron created tables"
    if bridge is not None:
        assert "monitoring_schema_versions" in bridge.calls


@pytest.mark.parametrize("target", ["current"], indirect=True)
def test_current_schema_starts_quietly_and_runs(
    target, transport: str, fake_openai, fake_stripe, fake_resend
) -> None:
    _, url, store_env, _ = target
    env = {**vendor_env(fake_openai, fake_stripe, fake_resend, None), **store_env}
    process, base = run_dev(env)
    try:
        body = httpx.get(base + "/api/health/database", headers=TOKEN, timeout=10).json()
        assert "reason" not in body and body["status"] in ("healthy", "degraded"), body
        # Yesterday only (?day=): the run and its record are the point here, not the week's
        # backfill (eight days of every source; test_daily_metrics covers plan_days).
        day = today(Settings.model_fields["metrics_timezone"].default) - timedelta(days=1)
        answer = httpx.get(f"{base}/api/cron/daily_metrics?day={day}", headers=CRON, timeout=30)
        assert answer.status_code == 200, answer.text
        assert [report["day"] for report in answer.json()["days"]] == [str(day)]
    finally:
        output = stop(process)
    assert f"Monitor schema: up to date ({MIGRATION_VERSIONS[-1]})" in output
    assert "apply supabase/migrations" not in output
    assert written(url)["monitoring_cron_runs"] == 1


def test_schema_installed_without_bookkeeping_is_not_guessed(migrated_db: str) -> None:
    """SQL pasted by hand records no versions: the check says unknown and blocks nothing."""
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute("drop schema supabase_migrations cascade")
    with Store(PostgresTransport(migrated_db, 5)) as store:
        status = check(store)
        assert (status.state, status.reason) == ("unknown", None)
        assert store.call("monitoring_schema_versions") is None
