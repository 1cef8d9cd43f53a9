"""Supabase platform watch against a local fake Management API, over real PostgreSQL."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from lib.alerts.evaluate import evaluate_alerts
from lib.core.config import Settings
from lib.platform.checks import backup_state, mask_ip
from lib.platform.management import (
    BackupsResponse,
    ManagementClient,
    PlatformError,
    RateLimited,
    project_ref,
    token_status,
)
from tests.alerting import notify_settings, only_rules, open_store, settings_for
from tests.conftest import SECRETS, DevServer, dead_url
from tests.fakes.supabase_management import REF, TOKEN, FakeManagement, backup, lint
from tests.fakes.vendors import FakeResend
from tests.fakes.webhook import FakeWebhook

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # a Tuesday


# Every test here: the fake reset, and afterwards every body it served checked against the spec.
pytestmark = pytest.mark.usefixtures("spec_checked_management")


def platform(url: str, fake: FakeManagement, **extra: object) -> Settings:
    values: dict[str, object] = {
        "supabase_access_token": TOKEN,
        "supabase_project_ref": REF,
        "supabase_api_url": fake.url,
    }
    return settings_for(url, **{**values, **extra})


def test_project_ref_from_settings_or_supabase_url() -> None:
    assert project_ref(settings_for("postgresql://x/y", supabase_project_ref="abc123")) == "abc123"
    derived = settings_for("postgresql://x/y", supabase_url="https://qwertyuiop.supabase.co")
    assert project_ref(derived) == "qwertyuiop"
    assert project_ref(settings_for("postgresql://x/y", supabase_url="http://127.0.0.1:5")) is None


def test_client_reads_documented_shapes(fake_management: FakeManagement) -> None:
    client = ManagementClient(platform("postgresql://x/y", fake_management))
    backups = client.backups()
    assert [b.status for b in backups.backups] == ["COMPLETED", "COMPLETED"]
    assert {s.name for s in client.health()} == {
        "auth",
        "db",
        "pooler",
        "realtime",
        "rest",
        "storage",
    }
    fake_management.security = [lint("rls_disabled_in_public", "ERROR")]
    assert client.advisors("security")[0].entity == "public.leads"
    sent = fake_management.requests[1]
    assert sent.path == f"/v1/projects/{REF}/health"
    # An array query parameter, exploded (OpenAPI 3.0's default form style): one per service.
    assert sent.query["services"] == ["auth", "db", "pooler", "realtime", "rest", "storage"]
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"


def test_health_items_without_the_deprecated_healthy(fake_management: FakeManagement) -> None:
    fake_management.drop_healthy()
    fake_management.health_body[1]["status"] = "UNHEALTHY"
    client = ManagementClient(platform("postgresql://x/y", fake_management))
    seen = {s.name: s.status for s in client.health()}
    assert seen["db"] == "UNHEALTHY" and seen["auth"] == "ACTIVE_HEALTHY"
    assert all(s.healthy is None for s in client.health())


def test_token_status_for_the_doctor(fake_management: FakeManagement) -> None:
    url = "postgresql://x/y"
    assert token_status(settings_for(url)) == "not_configured"
    assert token_status(platform(url, fake_management)) == "ok"
    wrong = platform(url, fake_management, supabase_access_token="sbp_wrong")
    assert token_status(wrong) == "rejected"
    fake_management.mode = "401"
    assert token_status(platform(url, fake_management)) == "rejected"
    gone = platform(url, fake_management, supabase_api_url=dead_url())
    assert token_status(gone) == "unreachable"


def test_429_blocks_further_calls_for_retry_after(fake_management: FakeManagement) -> None:
    client = ManagementClient(platform("postgresql://x/y", fake_management))
    fake_management.mode = "429"
    with pytest.raises(RateLimited) as first:
        client.backups()
    assert 41 <= first.value.retry_after_s <= 42  # Retry-After: 42
    fake_management.mode = "ok"
    calls = len(fake_management.requests)
    with pytest.raises(RateLimited):
        client.health()  # still inside the window: no request is made
    assert len(fake_management.requests) == calls
    # A spent budget (X-RateLimit-Remaining: 0) on a 200 stops the next call as well.
    fresh = ManagementClient(platform("postgresql://x/y", fake_management))
    fake_management.remaining = 0
    fresh.backups()
    with pytest.raises(RateLimited):
        fresh.backups()


def test_hang_and_garbage_are_short_failures(fake_management: FakeManagement) -> None:
    client = ManagementClient(platform("postgresql://x/y", fake_management), timeout_s=0.5)
    fake_management.mode = "hang"
    started = time.monotonic()
    with pytest.raises(PlatformError) as hung:
        client.backups()
    assert time.monotonic() - started < 2 and hung.value.reason == "timeout"
    fake_management.mode = "garbage"
    with pytest.raises(PlatformError, match="malformed"):
        client.backups()


def test_backup_state_pitr_free_failed_and_age() -> None:
    def state(**body: Any) -> Any:
        return backup_state(BackupsResponse.model_validate(body), NOW)

    daily = state(
        walg_enabled=True, backups=[backup("COMPLETED", 5, NOW), backup("FAILED", 2, NOW)]
    )
    assert (daily.state, daily.age_h, daily.failed_recent, daily.pitr_enabled) == (
        "ok",
        5,
        1,
        False,
    )
    free = state(walg_enabled=False, pitr_enabled=False, backups=[])
    assert free.state == "not_configured" and "Free plan" in (free.reason or "")
    pitr = state(pitr_enabled=True, backups=[])
    assert pitr.state == "ok" and pitr.age_h is None
    only_failed = state(backups=[backup("FAILED", 1, NOW)])
    assert only_failed.age_h is None and only_failed.failed_recent == 1


def test_mask_ip_keeps_only_the_network() -> None:
    assert mask_ip("203.0.113.77") == "203.0.113.0/24"
    assert mask_ip("2001:db8:abcd:12::1") == "2001:db8:abcd::/48"
    assert mask_ip("") == "unknown"


def test_platform_rules_fire_and_resolve_once(
    migrated_db: str,
    tmp_path: Path,
    fake_management: FakeManagement,
    fake_resend: FakeResend,
    fake_webhook: FakeWebhook,
) -> None:
    config = only_rules(tmp_path, "backup_stale", "security_advisor", "failed_logins")
    settings = notify_settings(
        migrated_db,
        fake_resend.url,
        fake_webhook.hook_url,
        config,
        supabase_access_token=TOKEN,
        supabase_project_ref=REF,
        supabase_api_url=fake_management.url,
    )
    now = datetime.now(UTC)
    fake_management.backups_body["backups"] = [backup("COMPLETED", 30), backup("FAILED", 3)]
    fake_management.security = [
        lint("rls_disabled_in_public", "ERROR", "leads"),
        lint("function_search_path_mutable", "WARN", "touch"),
        lint("extension_in_public", "INFO", "x"),
    ]
    fake_management.auth_failures = [("203.0.113.7", 40), ("203.0.113.9", 5), ("198.51.100.2", 9)]
    with open_store(migrated_db) as store:
        report = evaluate_alerts(store, settings, now).model_dump()
        alerts = report["alerts"]
        assert alerts["backup_stale"]["event"] == "firing"
        assert alerts["security_advisor:rls_disabled_in_public"]["event"] == "firing"
        assert alerts["security_advisor:function_search_path_mutable"]["event"] == "firing"
        assert "security_advisor:extension_in_public" not in alerts
        assert alerts["failed_logins"]["event"] == "firing"  # 54 > 50
        texts = [p["text"] for p in fake_webhook.payloads]
        logins = next(t for t in texts if "failed logins" in t)
        assert "203.0.113.0/24 (45)" in logins and "203.0.113.7" not in logins
        assert any("newest 30 h old, PITR off; 1 failed backup(s)" in t for t in texts)
        # The SQL sent to the current logs endpoint is ClickHouse over the unified table,
        # filtered on the documented `source` column.
        query = next(r for r in fake_management.requests if r.path.endswith("/endpoints/logs"))
        assert "source = 'auth_logs'" in (query.arg("sql") or "")
        assert "source_name" not in (query.arg("sql") or "")
        assert query.arg("iso_timestamp_start") and query.arg("iso_timestamp_end")
        sent = len(fake_webhook.payloads)
        again = evaluate_alerts(store, settings, now + timedelta(minutes=5)).model_dump()
        assert all(a["event"] is None for a in again["alerts"].values())
        assert len(fake_webhook.payloads) == sent  # no duplicate notification

        fake_management.backups_body["pitr_enabled"] = True
        fake_management.security = []
        fake_management.auth_failures = [("203.0.113.7", 3)]
        fixed = evaluate_alerts(store, settings, now + timedelta(minutes=10)).model_dump()["alerts"]
        assert fixed["backup_stale"]["event"] == "resolved"
        assert fixed["security_advisor:rls_disabled_in_public"]["event"] == "resolved"
        assert fixed["security_advisor:function_search_path_mutable"]["event"] == "resolved"
        assert fixed["failed_logins"]["event"] == "resolved"


def test_backup_rules_on_free_and_paid_without_pitr(
    migrated_db: str, fake_management: FakeManagement
) -> None:
    from lib.alerts.rules.base import RuleContext
    from lib.alerts.rules.platform import BackupStale

    rule = BackupStale(threshold=26, severity="critical")
    with open_store(migrated_db) as store:
        ctx = RuleContext(store, platform(migrated_db, fake_management), datetime.now(UTC))
        paid = rule.observe(ctx)[0]
        assert (paid.state, paid.severity) == ("firing", "warning")  # fresh, but PITR off
        fake_management.backups_body = {
            "region": "eu-central-1",
            "walg_enabled": False,
            "pitr_enabled": False,
            "backups": [],
            "physical_backup_data": {},
        }
        free = rule.observe(ctx)[0]
        assert free.state == "not_configured" and "Free plan" in free.message
        fake_management.mode = "500"
        assert rule.observe(ctx)[0].state == "unknown"
        no_token = RuleContext(store, settings_for(migrated_db), datetime.now(UTC))
        assert rule.observe(no_token)[0].state == "not_configured"


def test_failed_logins_table_source_still_wins(
    migrated_db: str, tmp_path: Path, fake_management: FakeManagement
) -> None:
    from lib.alerts.rules import build_rules
    from lib.alerts.rules.base import RuleContext
    from lib.core.monitor_config import parse_monitor_config

    text = '[alerts.failed_logins]\nsource = { table = "login_failures" }\n'
    rules = {r.name: r for r in build_rules(parse_monitor_config(text))}
    with open_store(migrated_db) as store:
        ctx = RuleContext(store, platform(migrated_db, fake_management), datetime.now(UTC))
        seen = rules["failed_logins"].observe(ctx)[0]  # type: ignore[attr-defined]
        assert seen.state == "unknown" and "login_failures" in seen.message
    assert not any(r.path.endswith("/endpoints/logs") for r in fake_management.requests)


def test_integrations_and_daily_metrics_over_http(
    migrated_db: str,
    dev_server: Any,
    fake_management: FakeManagement,
) -> None:
    env = {
        **SECRETS,
        "DATABASE_URL": migrated_db,
        "SUPABASE_ACCESS_TOKEN": TOKEN,
        "SUPABASE_PROJECT_REF": REF,
        "SUPABASE_API_URL": fake_management.url,
        "PROVIDER_STATUS": "false",
    }
    for key in ("OPENAI_API_KEY", "STRIPE_SECRET_KEY", "RESEND_API_KEY", "OPENAI_ADMIN_KEY"):
        env.pop(key, None)
    server: DevServer = dev_server(env)
    token = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
    fake_management.drop_healthy()  # the deprecated field may go: `status` is what is read
    fake_management.health_body[2]["status"] = "UNHEALTHY"  # pooler
    body = httpx.get(server.url + "/api/health/integrations", headers=token, timeout=10).json()
    supabase = body["integrations"]["supabase"]
    assert supabase["status"] == "degraded" and supabase["reason"] == "not healthy: pooler"
    assert supabase["services"]["db"] == "ACTIVE_HEALTHY"
    assert TOKEN not in str(body)

    fake_management.performance = [lint("unindexed_foreign_keys", "INFO", category="PERFORMANCE")]
    fake_management.performance += [
        lint("multiple_permissive_policies", "WARN", category="PERFORMANCE")
    ]
    fake_management.security = [lint("rls_disabled_in_public", "ERROR")]
    fake_management.auth_failures = [("203.0.113.7", 12)]
    cron = {"Authorization": f"Bearer {SECRETS['CRON_SECRET']}"}
    run = httpx.get(server.url + "/api/cron/daily_metrics", headers=cron, timeout=30)
    assert run.status_code == 200, run.text
    with open_store(migrated_db) as store:
        latest = max(store.metric_days(NOW.date() - timedelta(days=400), datetime.now(UTC).date()))
        values = store.metrics_of_day(latest)
    assert values["security_findings"] == 1 and values["performance_findings"] == 1
    assert values["failed_logins"] == 12
    assert 4.9 <= values["db_backup_age_h"] <= 5.2


def test_database_health_shows_backups_and_findings(
    migrated_db: str, dev_server: Any, fake_management: FakeManagement
) -> None:
    env = {
        "DATABASE_URL": migrated_db,
        "HEALTH_TOKEN": SECRETS["HEALTH_TOKEN"],
        "SUPABASE_ACCESS_TOKEN": TOKEN,
        "SUPABASE_PROJECT_REF": REF,
        "SUPABASE_API_URL": fake_management.url,
    }
    server: DevServer = dev_server(env)
    token = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
    fake_management.security = [lint("rls_disabled_in_public", "ERROR", "leads")]
    body = httpx.get(server.url + "/api/health/database", headers=token, timeout=10).json()
    details = body["platform"]
    assert details["status"] == "ok"
    assert details["backups"]["pitr_enabled"] is False and 4.9 <= details["backups"]["age_h"] <= 5.2
    assert details["security_findings"] == [
        {"name": "rls_disabled_in_public", "level": "ERROR", "entity": "public.leads"}
    ]
    fake_management.mode = "401"
    refused = httpx.get(server.url + "/api/health/database", headers=token, timeout=10).json()
    assert refused["platform"] == {
        **refused["platform"],
        "status": "unavailable",
        "reason": "token rejected",
    }
    assert TOKEN not in str(refused)


@pytest.mark.parametrize(("hours", "state"), [(26.1, "firing"), (25.9, "ok")])
def test_backup_stale_threshold_edges(
    migrated_db: str, tmp_path: Path, fake_management: FakeManagement, hours: float, state: str
) -> None:
    from lib.alerts.rules.base import RuleContext
    from lib.alerts.rules.platform import BackupStale

    config = tmp_path / "monitoring.toml"
    config.write_text("[platform]\nwarn_without_pitr = false\n")
    now = datetime.now(UTC)
    fake_management.backups_body["backups"] = [backup("COMPLETED", hours, now)]
    with open_store(migrated_db) as store:
        settings = platform(migrated_db, fake_management, monitor_config=str(config))
        seen = BackupStale(threshold=26, severity="critical").observe(
            RuleContext(store, settings, now)
        )[0]
    assert (seen.state, seen.severity) == (state, "critical")
