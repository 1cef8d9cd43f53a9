"""The setup doctor against configurations where each checklist item passes and fails."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from lib.alerts.engine import Engine
from lib.alerts.maintenance import MaintenanceState
from lib.alerts.rules import Observation
from lib.checks.store import record_ping
from lib.core.config import Settings, load_settings
from lib.core.monitor_config import MonitorConfig
from lib.doctor import CHECKS, DoctorReport, run_doctor
from lib.doctor.setup import SECRETS as SECRETS_CHECKED
from lib.drains.receiver import receive
from lib.local.localpg import LocalPostgres, free_port
from lib.notify import configured_notifiers
from tests.alerting import T0, YESTERDAY, open_store, seed_cron_success, seed_metrics
from tests.conftest import DB_PASSWORD, ROOT, SECRETS, assert_no_secret, dead_url
from tests.fakes.drains import body_of, request_log, span, traces, vital
from tests.fakes.supabase_management import REF, FakeManagement
from tests.fakes.supabase_management import TOKEN as MANAGEMENT_TOKEN
from tests.fakes.vendors import FakeStripe
from tests.fakes.webhook import FakeWebhook

# Every secret the doctor checks, each 40 characters.
STRONG = {name: name[0] * 40 for name in SECRETS_CHECKED}


@pytest.fixture(scope="module")
def read_only_db(pg: LocalPostgres, monitor_template: str) -> Iterator[str]:
    """A migrated, empty database shared by the tests that only run the doctor over it (the
    doctor reads, never writes); a clone per test is for tests that seed or change their store.
    Its URL carries the password, as `migrated_db`'s does, so the no-secret checks mean the same."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg.url, autocommit=True) as conn:
        conn.execute(f"create database {name} template {monitor_template}")
    yield f"postgresql://postgres:{DB_PASSWORD}@127.0.0.1:{pg.port}/{name}"
    with psycopg.connect(pg.url, autocommit=True) as conn:
        conn.execute(f"drop database if exists {name} with (force)")


def statuses(report: DoctorReport) -> dict[str, str]:
    return {item.id: item.status for item in report.items}


def production(url: str, **overrides: object) -> Settings:
    return load_settings(**{"database_url": url, "vercel_env": "production", **overrides})


def seed_healthy(url: str, now: datetime) -> None:
    """What a well set-up deployment has in its store."""
    seed_cron_success(url, "health_check", now - timedelta(minutes=4))
    seed_cron_success(url, "daily_metrics", now - timedelta(hours=11))
    day = now.astimezone(UTC).date() - timedelta(days=1)
    with open_store(url) as store:
        seed_metrics(store, day, requests=1200, web_vitals_lcp_p75_ms=1800, db_backup_age_h=9.5)
        # One delivery of each drain kind (the doctor asks the drains package when they came).
        settings = load_settings(database_url=url)
        for records in (
            [request_log(now)],
            traces([span(now, 120)]),
            [vital(now, "LCP", 1800)],
        ):
            receive(settings, MonitorConfig(), store, body_of(records)[0], None)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create extension pg_stat_statements")


PING_TOKEN = "ping-token-7c1d2e3f4a5b6c7d8e9f"


def seed_synthetic(url: str, now: datetime, directory: Path) -> Path:
    """One check with a fresh result and one heartbeat that pinged on time (lib/checks)."""
    toml = directory / "monitoring.toml"
    toml.write_text(
        '[[checks]]\nname = "home"\nhttp = { url = "https://carbot.example/" }\n'
        '[[heartbeats]]\nname = "newsletter"\ntoken_env = "DOCTOR_PING"\nperiod = 86400\n'
    )
    with open_store(url) as store:
        store.record_checks(
            [{"service": "check:home", "status": "ok", "latency_ms": 80, "checked_at": now}]
        )
        record_ping(store, "0" * 64, "newsletter", "success", None, None, now, 20)
    return toml


def test_every_item_passes_on_a_good_setup(
    migrated_db: str,
    fake_stripe: FakeStripe,
    fake_webhook: FakeWebhook,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seed_healthy(migrated_db, T0)
    monkeypatch.setenv("DOCTOR_PING", PING_TOKEN)
    toml = seed_synthetic(migrated_db, T0 - timedelta(minutes=3), tmp_path)
    management = FakeManagement()  # the Management API accepts the token (lib.platform)
    settings = production(
        migrated_db,
        **STRONG,
        stripe_secret_key=SECRETS["STRIPE_SECRET_KEY"],
        stripe_api_base=fake_stripe.url,
        alert_webhook_url=fake_webhook.hook_url,
        supabase_access_token=MANAGEMENT_TOKEN,
        supabase_project_ref=REF,
        supabase_api_url=management.url,
        monitor_config=str(toml),
    )
    try:
        report = run_doctor(settings, T0)
    finally:
        management.close()
    found = {item.id: item for item in report.items}
    assert [item.id for item in report.items] == [check_id for check_id, _, _ in CHECKS]
    expected = {check_id: "pass" for check_id, _, _ in CHECKS}
    assert statuses(report) == expected, {i.id: i.evidence for i in report.items}
    assert report.summary.status == "pass"
    assert all(
        item.runbook == [] and item.fix == "" for item in report.items if item.status == "pass"
    )
    assert found["stripe_webhooks"].evidence == "1 endpoint(s), 0 failed deliveries in 24 h"
    assert found["health_check_cron"].evidence == "last success 4 min ago (limit 15 min)"
    assert found["backups"].evidence.startswith("newest backup 9.5 h old")
    assert found["secrets"].evidence == "every secret set, >= 32 characters"
    newest = sorted(p.name.split("_")[0] for p in (ROOT / "supabase" / "migrations").glob("*.sql"))
    assert f"newest {newest[-1]}" in found["supabase_schema"].evidence
    assert_no_secret(report.model_dump_json())


def test_items_fail_on_an_unconfigured_production(
    read_only_db: str, tmp_path: Path, fake_stripe: FakeStripe
) -> None:
    fake_stripe.webhook_endpoints = [("https://carbot.de/api/stripe/webhook", "disabled")]
    fake_stripe.add_events(3, failed=True)
    bad_toml = tmp_path / "monitoring.toml"
    bad_toml.write_text("[alerts.payment_failure_rate]\nthreshold = 500\n")
    settings = production(
        read_only_db,
        health_token="short",
        stripe_secret_key=SECRETS["STRIPE_SECRET_KEY"],
        stripe_api_base=fake_stripe.url,
        monitor_config=str(bad_toml),
    )
    report = run_doctor(settings, T0)
    found = {item.id: item for item in report.items}
    assert statuses(report) == {
        "vercel_analytics": "fail",
        "supabase_schema": "pass",
        "pg_stat_statements": "warn",
        "management_token": "warn",
        "stripe_webhooks": "warn",
        "error_tracking": "fail",
        "health_check_cron": "fail",
        "daily_metrics_cron": "fail",
        "alert_config": "fail",
        "notifier": "fail",
        "backups": "warn",
        "secrets": "fail",
        "synthetic_checks": "warn",  # monitoring.toml is invalid: alert_config says why
        "heartbeats": "warn",
        "privacy": "pass",  # an empty store holds no personal data
    }, {i.id: i.evidence for i in report.items}
    assert report.summary.status == "fail"
    assert report.summary.counts["fail"] == 7
    for item in report.items:
        if item.status in ("warn", "fail"):
            assert item.runbook, f"{item.id} has no runbook"
            assert item.evidence
    assert found["health_check_cron"].evidence == "health_check has never run"
    assert "threshold: must be between 0 and 100" in found["alert_config"].evidence
    assert "1 of 1 webhook endpoints disabled" in found["stripe_webhooks"].evidence
    assert "3 webhook events not yet delivered" in found["stripe_webhooks"].evidence
    assert found["secrets"].evidence.startswith(
        "HEALTH_TOKEN shorter than 32 characters; CRON_SECRET not set"
    )
    assert found["notifier"].fix.startswith("set RESEND_API_KEY")
    assert_no_secret(report.model_dump_json())


def test_stale_crons_and_backup_fail(migrated_db: str) -> None:
    seed_cron_success(migrated_db, "health_check", T0 - timedelta(minutes=16))
    seed_cron_success(migrated_db, "daily_metrics", T0 - timedelta(hours=27))
    with open_store(migrated_db) as store:
        seed_metrics(store, YESTERDAY, db_backup_age_h=40)
    found = {i.id: i for i in run_doctor(production(migrated_db, **STRONG), T0).items}
    assert found["health_check_cron"].status == "fail"
    assert found["health_check_cron"].evidence == "last success 16 min ago (limit 15 min)"
    assert found["daily_metrics_cron"].evidence == "last success 27.0 h ago (limit 26.0 h)"
    assert found["backups"].status == "fail"
    assert found["backups"].evidence == f"newest backup 40.0 h old on {YESTERDAY} (limit 26 h)"


def test_missing_and_behind_schema_fail(fresh_db: str, migrated_db: str) -> None:
    missing = {i.id: i for i in run_doctor(production(fresh_db, **STRONG), T0).items}
    assert missing["supabase_schema"].status == "fail"
    assert missing["supabase_schema"].evidence.startswith("monitor schema not usable:")
    assert missing["supabase_schema"].fix.startswith("apply supabase/migrations")
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute(
            "delete from supabase_migrations.schema_migrations where version = '20261203160000'"
        )
    behind = {i.id: i for i in run_doctor(production(migrated_db, **STRONG), T0).items}
    assert behind["supabase_schema"].status == "fail"
    assert behind["supabase_schema"].evidence == "1 migration(s) not applied, first 20261203160000"


def test_stripe_unreachable_fails(read_only_db: str) -> None:
    settings = production(
        read_only_db, stripe_secret_key=SECRETS["STRIPE_SECRET_KEY"], stripe_api_base=dead_url()
    )
    (item,) = [i for i in run_doctor(settings, T0).items if i.id == "stripe_webhooks"]
    assert (item.status, item.evidence) == ("fail", "Stripe API: connection refused")


def test_a_failing_delivery_warns_the_notifier_item(
    migrated_db: str, fake_webhook: FakeWebhook
) -> None:
    settings = production(migrated_db, **STRONG, alert_webhook_url=fake_webhook.hook_url)
    fake_webhook.mode = "500"
    firing = Observation(
        key="database_storage",
        rule="database_storage",
        title="Database storage",
        state="firing",
        severity="warning",
        threshold=80,
        unit="%",
        value=91,
        message="database uses 91 %",
    )
    with open_store(migrated_db) as store:
        engine = Engine(store, configured_notifiers(settings), T0, MaintenanceState(active=False))
        assert engine.run([firing], disabled=set()).notifications.failed == 1
    (item,) = [i for i in run_doctor(settings, T0).items if i.id == "notifier"]
    assert item.status == "fail"
    assert "webhook answered 500" in item.evidence
    assert FakeWebhook.TOKEN not in item.evidence, "the webhook URL holds a token"


def test_doctor_endpoint_and_store_down(dev_server, read_only_db: str) -> None:
    token = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
    server = dev_server({**SECRETS, "DATABASE_URL": read_only_db})
    assert server.get("/api/doctor").status_code == 401
    response = server.get("/api/doctor", headers=token)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"items", "summary", "checked_at", "environment"}
    assert set(body["items"][0]) == {"id", "title", "status", "evidence", "fix", "runbook"}
    assert len(body["items"]) == len(CHECKS)
    assert body["summary"]["counts"]["fail"] >= 2  # the crons never ran in this database
    assert server.request("POST", "/api/doctor", headers=token).status_code == 405

    down = dev_server({**SECRETS, "DATABASE_URL": "postgresql://postgres:x@127.0.0.1:1/none"})
    items = {i["id"]: i for i in down.get("/api/doctor", headers=token).json()["items"]}
    assert items["supabase_schema"]["status"] == "fail"
    assert items["supabase_schema"]["evidence"] == "monitor schema not usable: connection refused"
    assert items["health_check_cron"]["status"] in ("fail", "warn")
    assert items["alert_config"]["status"] == "pass", "items without the store still answer"


def test_cli_doctor_exits_1_on_fail_and_prints_json(read_only_db: str) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(ROOT)),
        "ENV_FILE": "",
        "DATABASE_URL": read_only_db,
        "VERCEL_ENV": "production",
    }
    text = subprocess.run(
        [sys.executable, "-m", "lib", "doctor"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert text.returncode == 1, text.stderr
    assert "[FAIL] Health check endpoints active: 5-minute check: health_check has never run" in (
        text.stdout
    )
    assert text.stdout.rstrip().splitlines()[-1].startswith("fail: ")
    as_json = subprocess.run(
        [sys.executable, "-m", "lib", "doctor", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout)["summary"]["status"] == "fail"


def test_cli_doctor_checks_the_local_database_of_make_dev() -> None:
    """Nothing configured: the doctor reads the project-local database `make dev` serves from."""
    folder = Path(tempfile.mkdtemp(prefix="carbot-doctor-"))
    folder.chmod(0o755)  # the server's own user must reach it (pytest's tmp root is private)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(ROOT)),
        "ENV_FILE": "",
        "LOCAL_DATA_DIR": str(folder / "data"),
        "LOCAL_PG_PORT": str(free_port()),
    }
    try:
        result = subprocess.run(
            [sys.executable, "-m", "lib", "doctor", "--json"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "local database" in result.stderr
        items = {i["id"]: i for i in json.loads(result.stdout)["items"]}
        unseen = [i for i, item in items.items() if "no store configured" in item["evidence"]]
        assert unseen == []
        assert items["supabase_schema"]["status"] == "pass", items["supabase_schema"]
    finally:
        subprocess.run(
            [sys.executable, "-m", "lib", "db", "stop"], cwd=ROOT, env=env, capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("environment", ["development", "production"])
def test_missing_secrets_warn_outside_production(read_only_db: str, environment: str) -> None:
    settings = load_settings(database_url=read_only_db, vercel_env=environment)
    (item,) = [i for i in run_doctor(settings, T0).items if i.id == "secrets"]
    assert item.status == ("fail" if environment == "production" else "warn")
    assert item.evidence.startswith("HEALTH_TOKEN not set; CRON_SECRET not set")
