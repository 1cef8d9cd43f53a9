"""Every alert rule's notification carries its runbook (the guide's procedure) with evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from lib.alerts.engine import Engine
from lib.alerts.evidence import observation_evidence
from lib.alerts.maintenance import MaintenanceState
from lib.alerts.rules import RULES_BY_NAME, Observation, RuleContext, build_rules
from lib.alerts.runbooks import Runbook, Step, check_runbook, render, rule_runbook, runbooks
from lib.core.monitor_config import parse_monitor_config
from lib.core.safe_text import chat
from lib.notify import configured_notifiers
from tests.alerting import T0, notify_settings, open_store
from tests.fakes.vendors import FakeResend
from tests.fakes.webhook import FakeWebhook
from tests.rule_cases import CASES, LOGINS

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db

# Rule families of the docs/alerts.md rule table added after the first rules; all are in
# RULES_BY_NAME now, and listed here too so none loses its runbook (docs/alerts.md, "Runbooks").
CONTRACT_FAMILIES = {
    "error_rate",
    "response_time",
    "function_crashes",
    "traffic_spike",
    "web_vitals",
    "build_failed",
    "certificate_renewal_failed",
    "budget_reached",
    "deployment_regression",
    "backup_stale",
    "security_advisor",
    "anomaly",
    "activity_missing",
    "service_down",
    "config_invalid",
}


def test_every_rule_family_has_its_own_runbook() -> None:
    families = set(runbooks().rules)
    missing = (set(RULES_BY_NAME) | CONTRACT_FAMILIES) - families
    assert not missing, f"no runbook for {sorted(missing)}"
    for name, book in runbooks().rules.items():
        assert book.steps and book.guide, name


def _crafted_observation(rule_name: str) -> Observation:
    """For rules whose firing needs a TLS server, a webhook or a dead store (their own tests do
    that): the observation they report, here only for its notification."""
    (rule,) = [r for r in build_rules(parse_monitor_config(LOGINS)) if r.name == rule_name]
    # Families whose alerts are per instance (a metric, a lint) carry one in their key.
    instance = {"anomaly": "leads", "activity_missing": "leads", "security_advisor": "rls_disabled"}
    key = f"{rule_name}:{instance[rule_name]}" if rule_name in instance else None
    return rule.observation("firing", 9.0, f"{rule.title}: evidence seen by the monitor", key)


@pytest.mark.parametrize("rule_name", sorted(RULES_BY_NAME))
def test_notification_of_each_rule_contains_its_runbook(
    migrated_db: str,
    tmp_path: Path,
    fake_resend: FakeResend,
    fake_webhook: FakeWebhook,
    rule_name: str,
) -> None:
    config = tmp_path / "monitoring.toml"
    config.write_text(LOGINS)
    settings = notify_settings(migrated_db, fake_resend.url, fake_webhook.hook_url, config)
    with open_store(migrated_db) as store:
        if rule_name not in CASES:
            observation = _crafted_observation(rule_name)
        else:
            seed, key = CASES[rule_name]
            seed(store, migrated_db, True)
            (rule,) = [r for r in build_rules(parse_monitor_config(LOGINS)) if r.name == rule_name]
            found = {o.key: o for o in rule.observe(RuleContext(store, settings, T0))}
            observation = found[key]
        assert observation.state == "firing"
        engine = Engine(store, configured_notifiers(settings), T0, MaintenanceState(active=False))
        report = engine.run([observation], disabled=set())
    assert report.notifications.sent == 2, report.notifications
    evidence = observation_evidence(observation, T0)
    expected = rule_runbook(observation.key, evidence)
    book = runbooks().rules.get(observation.key) or runbooks().rules[rule_name]
    assert len(expected) >= len(book.steps) >= 1
    (payload,) = fake_webhook.payloads
    assert payload["runbook"] == expected
    for step in expected:  # the chat text shows each step escaped for Slack (lib/core/safe_text)
        assert chat(step) in payload["text"]
    (email,) = fake_resend.emails
    assert "What to do:" in email["text"] and "<h3>What to do</h3><ol>" in email["html"]
    for number, step in enumerate(expected, 1):
        assert f"{number}. {step}" in email["text"]
    # The evidence the monitor had is in the steps, not only in the message above them.
    shown = (observation.message, f"{evidence['value']} {observation.unit}")
    assert any(part in step for step in expected for part in shown), expected


def test_service_outage_carries_the_emergency_procedure() -> None:
    obs = Observation(
        key="service_unresponsive:database",
        rule="service_unresponsive",
        title="Critical service unresponsive (database)",
        state="firing",
        severity="critical",
        threshold=2,
        unit="min",
        value=5,
        message="database down for 5.0 min",
    )
    steps = rule_runbook(obs.key, observation_evidence(obs, T0))
    assert steps[0].endswith(": database down for 5.0 min")
    assert any(s.startswith("Immediate (0-15 min): check the Vercel status page") for s in steps)
    assert any(s.startswith("Recovery (1-4 h): deploy the fix") for s in steps)
    # No deployment data in the store: the step stays, without a made-up deployment.
    assert "Immediate: check recent deployments" in steps


def test_evidence_is_appended_only_when_every_placeholder_is_known() -> None:
    book = Runbook(
        guide="test",
        steps=[
            "plain",
            Step(text="Check recent deployments", evidence="{deployment} {deployment_age} before"),
        ],
    )
    assert render(book, {}) == ["plain", "Check recent deployments"]
    assert render(book, {"deployment": "dpl_1"}) == ["plain", "Check recent deployments"]
    assert render(book, {"deployment": "dpl_1", "deployment_age": "12 min"}) == [
        "plain",
        "Check recent deployments: dpl_1 12 min before",
    ]


def test_unknown_rule_gets_the_default_and_unknown_check_nothing() -> None:
    assert rule_runbook("a_rule_from_the_future:x", {"message": "m"})[0].endswith(": m")
    assert check_runbook("no_such_check", {}) == []
    assert check_runbook("secrets", {})[0].startswith("Generate each secret")


def test_outage_runbook_names_the_deployment_before_the_first_failure(migrated_db: str) -> None:
    """The deployments package's store (a real webhook delivery) fills {deployment}."""
    from datetime import timedelta

    from lib.alerts.evidence import alert_evidence
    from lib.deployments.store import record_event
    from lib.deployments.webhook import parse_event, store_event
    from tests.fakes.vercel import deployment_event, encode

    since = T0 - timedelta(minutes=5)
    with open_store(migrated_db) as store:
        for kind, deployment, minutes in (
            ("deployment.created", "dpl_old001", 300),
            ("deployment.succeeded", "dpl_old001", 299),
            ("deployment.created", "dpl_new002", 20),
            ("deployment.succeeded", "dpl_new002", 17),  # live 12 min before the failure
            ("deployment.created", "dpl_after3", 1),  # after the failure began: not the cause
            ("deployment.succeeded", "dpl_after3", 1),
        ):
            event = deployment_event(kind, deployment, T0 - timedelta(minutes=minutes))
            record_event(store, store_event(parse_event(encode(event)[0])))
        obs = Observation(
            key="service_unresponsive:database",
            rule="service_unresponsive",
            title="Critical service unresponsive (database)",
            state="firing",
            severity="critical",
            threshold=2,
            unit="min",
            value=5,
            message="database down for 5.0 min",
        )
        steps = rule_runbook(obs.key, alert_evidence(store, obs, since))
    (step,) = [s for s in steps if s.startswith("Immediate: check recent deployments")]
    assert step.startswith("Immediate: check recent deployments: dpl_new002 (")
    assert step.endswith(" went live 12 min before the first failure"), step


@pytest.mark.parametrize(
    ("key", "support"),
    [
        ("service_unresponsive:web", "https://vercel.com/support"),
        ("build_failed", "https://vercel.com/support"),
        ("database_connection_errors", "https://supabase.com/support"),
        ("service_unresponsive:database", "https://supabase.com/support"),
        ("payment_failure_rate", "https://support.stripe.com"),
        ("service_unresponsive:stripe", "https://support.stripe.com"),
        ("openai_cost_increase", "https://help.openai.com"),
        ("service_unresponsive:openai", "https://help.openai.com"),
    ],
)
def test_guide_support_contacts_in_matching_runbooks(key: str, support: str) -> None:
    """The guide's "Emergency Contacts" close the steps of the alerts whose vendor they serve."""
    steps = rule_runbook(key, {})
    assert any(support in step for step in steps), steps
