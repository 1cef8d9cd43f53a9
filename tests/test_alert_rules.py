"""Every alert rule fires at threshold + ε and stays quiet at threshold − ε; config errors."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from lib.alerts.rules import RULES_BY_NAME, RuleContext, build_rules, observe_all
from lib.core.config import ConfigError
from lib.core.monitor_config import MonitorConfig, parse_monitor_config
from lib.store import DatabaseStats, Store
from tests.alerting import (
    T0,
    open_store,
    seed_cron_success,
    settings_for,
)
from tests.rule_cases import CASES, LOGINS

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db


def test_every_rule_has_a_threshold_case() -> None:
    # tls_expiry's ±ε cases need a TLS server: tests/test_tls_expiry.py; service_down needs a
    # configured vendor, the monitor's own rules a failing store or file:
    # tests/test_alert_outage.py, tests/test_alert_config_state.py, test_config_errors_http.py.
    # The deployment rules read webhook events: tests/test_deployment_rules.py.
    elsewhere = {"tls_expiry", "service_down", "store_unreachable", "config_invalid"}
    deployments = {"build_failed", "certificate_renewal_failed", "budget_reached"}
    deployments |= {"deployment_regression"}  # webhooks + drain buckets
    # The traffic rules read drain buckets: tests/test_traffic_rules.py.
    traffic = {"error_rate", "response_time", "function_crashes", "traffic_spike", "web_vitals"}
    # The platform rules read the Management API or seeded history: tests/test_platform.py,
    # tests/test_anomalies.py.
    platform = {"backup_stale", "security_advisor", "anomaly", "activity_missing"}
    # Synthetic checks and heartbeats: tests/test_check_rules.py, tests/test_heartbeats.py.
    platform |= {"check_down", "heartbeat_late"}
    # The edge rules read drain deliveries: tests/test_edge_security.py.
    edge = {"rate_limit_violations", "client_error_rate", "abuse_suspected", "unusual_geography"}
    edge.add("capacity_forecast")  # tests/test_capacity.py
    groups = set(CASES) | elsewhere | deployments | traffic | platform | edge
    assert groups == set(RULES_BY_NAME)


@pytest.mark.parametrize("fire", [True, False], ids=["threshold+ε", "threshold-ε"])
@pytest.mark.parametrize("rule_name", sorted(CASES))
def test_default_threshold(migrated_db: str, tmp_path: Path, rule_name: str, fire: bool) -> None:
    seed, key = CASES[rule_name]
    config = tmp_path / "monitoring.toml"
    config.write_text(LOGINS)
    settings = settings_for(migrated_db, config)
    (rule,) = [r for r in build_rules(parse_monitor_config(LOGINS)) if r.name == rule_name]
    with open_store(migrated_db) as store:
        seed(store, migrated_db, fire)
        observations = {o.key: o for o in rule.observe(RuleContext(store, settings, T0))}
    # Quiet means not firing: "settling" is a down streak still under the threshold.
    quiet = ("settling",) if rule_name == "service_unresponsive" else ("ok",)
    assert observations[key].state in (("firing",) if fire else quiet), observations[key]
    assert observations[key].severity == RULES_BY_NAME[rule_name].default_severity


def test_missing_sources_are_unknown_not_ok(migrated_db: str) -> None:
    """No metrics, no table, never-run crons: unknown (neither fires nor resolves)."""
    settings = settings_for(migrated_db)
    config = parse_monitor_config(LOGINS)
    with open_store(migrated_db) as store:
        ctx = RuleContext(store, settings, T0)
        states = {o.key: o.state for r in build_rules(config) for o in r.observe(ctx)}
    assert states["payment_failure_rate"] == "unknown"
    assert states["email_bounce_rate"] == "unknown"
    assert states["openai_cost_increase"] == "unknown"
    assert states["failed_logins"] == "unknown"  # login_attempts does not exist here
    assert states["cron_late:daily_metrics"] == "unknown"
    assert states["tls_expiry"] == "not_configured"
    assert states["database_storage"] == "ok"  # measured live when the daily metric is missing


def test_database_rules_fetch_database_stats_once(migrated_db: str) -> None:
    """Without yesterday's db_storage_pct both database rules read monitoring_database_stats:
    one call per run, with the query-time rule's slow_ms (its threshold in ms)."""
    calls: list[float] = []

    class CountingStore(Store):
        def database_stats(self, slow_ms: float = 2000) -> DatabaseStats:
            calls.append(slow_ms)
            return super().database_stats(slow_ms)

    names = ("database_query_time", "database_storage")
    rules = [r for r in build_rules(MonitorConfig()) if r.name in names]
    settings = settings_for(migrated_db)
    with open_store(migrated_db) as store:
        counting = CountingStore(store.transport)
        found = {o.key: o for o in observe_all(rules, RuleContext(counting, settings, T0))}
        assert calls == [2000.0]
        assert found["database_storage"].state == "ok" and found["database_storage"].value
        calls.clear()
        storage = [r for r in rules if r.name == "database_storage"]
        (alone,) = observe_all(storage, RuleContext(counting, settings, T0))
        assert calls == [2000] and alone.state == "ok" and alone.value


def test_cron_late_judges_each_job_by_its_own_limit(migrated_db: str) -> None:
    """Each job fires past its own hours and reports them as the threshold."""
    seed_cron_success(migrated_db, "daily_metrics", T0 - timedelta(hours=25))
    seed_cron_success(migrated_db, "health_check", T0 - timedelta(minutes=61))
    (rule,) = [r for r in build_rules(MonitorConfig()) if r.name == "cron_late"]
    with open_store(migrated_db) as store:
        ctx = RuleContext(store, settings_for(migrated_db), T0)
        found = {o.key: (o.state, o.threshold) for o in rule.observe(ctx)}
        running = RuleContext(store, settings_for(migrated_db), T0, current_job="health_check")
        settling = {o.key: (o.state, o.threshold) for o in rule.observe(running)}
    assert found == {
        "cron_late:daily_metrics": ("ok", 26.0),
        "cron_late:health_check": ("firing", 1.0),
    }
    assert settling["cron_late:health_check"] == ("settling", 26.0)  # not judged: the rule's


def test_overrides_change_threshold_severity_and_enabled() -> None:
    config = parse_monitor_config(
        "[alerts.payment_failure_rate]\nthreshold = 2.5\nseverity = 'warning'\n"
        "[alerts.tls_expiry]\nenabled = false\n"
        "[alerts.cron_late]\njobs = { health_check = 0.5 }\n"
    )
    rules = {r.name: r for r in build_rules(config)}
    assert rules["payment_failure_rate"].threshold == 2.5
    assert rules["payment_failure_rate"].severity == "warning"
    assert "tls_expiry" not in rules
    assert rules["cron_late"].limits() == {  # type: ignore[attr-defined]
        "daily_metrics": 26.0,
        "health_check": 0.5,
    }
    assert len(build_rules(MonitorConfig())) == len(RULES_BY_NAME)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[alerts.payment_failure]\nthreshold = 5\n", "alerts.payment_failure: unknown alert rule"),
        ("[alerts.payment_failure_rate]\nthreshold = 150\n", "between 0 and 100 %"),
        ("[alerts.email_bounce_rate]\nthreshold = -1\n", "email_bounce_rate.threshold: must be"),
        ("[alerts.cron_late]\nthreshold = 12\n", "cron_late.threshold: must be above 24 h"),
        ("[alerts.tls_expiry]\nthreshold = 0\n", "tls_expiry.threshold: must be above 0 days"),
        ("[alerts.cron_late]\njobs = { daily_metrics = 0 }\n", "daily_metrics: must be above 0 h"),
        ("[alerts.cron_late]\njobs = { daly_metrics = 30 }\n", "daly_metrics: unknown cron job"),
        ("[alerts.service_down]\nthreshold = 0\n", "service_down.threshold: must be above 0"),
        ("[alerts.email_bounce_rate]\nsource = { table = 't' }\n", "takes no source"),
        ("[alerts.tls_expiry]\nseverity = 'fatal'\n", "alerts.tls_expiry.severity"),
    ],
)
def test_bad_rule_config_is_a_clear_error(toml: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        build_rules(parse_monitor_config(toml))
    assert message in str(caught.value)
    assert str(caught.value).startswith("MONITOR_CONFIG")


def test_an_invalid_file_leaves_every_rule_on_its_defaults(
    migrated_db: str, tmp_path: Path
) -> None:
    """Rules that read monitoring.toml themselves (failed logins, anomalies, platform) get the
    defaults in force, not the invalid file's error."""
    from lib.alerts.evaluate import evaluate_alerts

    config = tmp_path / "monitoring.toml"
    config.write_text("[anomalies]\nweeks = 8\nweks = 4\n")
    settings = settings_for(migrated_db, config)
    with open_store(migrated_db) as store:
        report = evaluate_alerts(store, settings, T0, notifiers=[])
    alerts = report.alerts
    assert alerts["config_invalid"].observed == "firing"
    assert "line 3: anomalies.weks" in alerts["config_invalid"].message
    for key in ("failed_logins", "anomaly:leads", "activity_missing:leads"):
        assert key in alerts, f"{key} ran on the defaults"
    broken = {key: a.message for key, a in alerts.items() if a.message == "unexpected error"}
    assert broken == {}
