"""build_failed, certificate_renewal_failed, budget_reached on real PostgreSQL webhook data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lib.alerts.rules import RuleContext
from lib.alerts.rules.deployments import BudgetReached, BuildFailed, CertificateRenewalFailed
from lib.deployments.store import record_event
from lib.deployments.webhook import parse_event, store_event
from lib.store import Store
from tests.alerting import open_store, settings_for
from tests.fakes.vercel import (
    SECRET,
    account_event,
    certificate_renew_failed,
    deployment_event,
    encode,
)

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def deliver(store: Store, event: dict) -> None:
    record_event(store, store_event(parse_event(encode(event)[0])))


def observe(rule: object, store: Store, url: str, now: datetime = T0) -> dict:
    ctx = RuleContext(store, settings_for(url, vercel_webhook_secret=SECRET), now)
    return {o.key: o for o in rule.observe(ctx)}  # type: ignore[attr-defined]


def test_build_failed_per_target_until_a_later_build_succeeds(migrated_db: str) -> None:
    rule = BuildFailed(threshold=1, severity="critical")
    with open_store(migrated_db) as store:
        quiet = observe(rule, store, migrated_db)
        assert {k: o.state for k, o in quiet.items()} == {
            "build_failed:production": "ok",
            "build_failed:preview": "ok",
        }
        deliver(
            store, deployment_event("deployment.created", "dpl_good01", T0 - timedelta(hours=3))
        )
        deliver(
            store, deployment_event("deployment.succeeded", "dpl_good01", T0 - timedelta(hours=3))
        )
        deliver(
            store, deployment_event("deployment.created", "dpl_bad001", T0 - timedelta(hours=1))
        )
        deliver(
            store,
            deployment_event(
                "deployment.error", "dpl_bad001", T0 - timedelta(minutes=58), message="Break it"
            ),
        )
        deliver(store, deployment_event("deployment.error", "dpl_prv001", T0, target=None))
        found = observe(rule, store, migrated_db)
        production, preview = found["build_failed:production"], found["build_failed:preview"]
        assert (production.state, production.severity, production.value) == (
            "firing",
            "critical",
            1,
        )
        # The notification names the deployment, its commit and message, and links Vercel's page.
        assert "dpl_bad001" in production.message and "commit abc1234" in production.message
        assert '"Break it"' in production.message
        assert "https://vercel.com/carbot/carbot/dpl_bad001" in production.message
        assert (preview.state, preview.severity) == ("firing", "warning")

        # Two failures in a row only fire a threshold of 2; a success resolves.
        assert (
            observe(BuildFailed(threshold=2, severity="critical"), store, migrated_db)[
                "build_failed:production"
            ].state
            == "ok"
        )
        deliver(
            store, deployment_event("deployment.succeeded", "dpl_fix001", T0 + timedelta(minutes=5))
        )
        later = observe(rule, store, migrated_db, T0 + timedelta(minutes=10))
        assert later["build_failed:production"].state == "ok"
        assert later["build_failed:preview"].state == "firing"
        # A week later the stale preview failure is no longer judged.
        week = observe(rule, store, migrated_db, T0 + timedelta(days=8))
        assert week["build_failed:preview"].state == "ok"


def test_event_rules_fire_within_their_window(migrated_db: str) -> None:
    certificate = CertificateRenewalFailed(threshold=1, severity="critical")
    budget = BudgetReached(threshold=1, severity="warning")
    with open_store(migrated_db) as store:
        assert observe(certificate, store, migrated_db)["certificate_renewal_failed"].state == "ok"
        # The documented shape: `payload.dnsNames`, no `domain` object.
        deliver(store, certificate_renew_failed(T0 - timedelta(hours=2), "evt_cert1"))
        deliver(store, account_event("budget.reached", T0 - timedelta(hours=1), "evt_budget1"))
        cert = observe(certificate, store, migrated_db)["certificate_renewal_failed"]
        assert cert.state == "firing" and "carbot.de" in cert.message
        assert "a domain" not in cert.message
        assert cert.severity == "critical"
        spent = observe(budget, store, migrated_db)["budget_reached"]
        assert (spent.state, spent.severity) == ("firing", "warning")
        assert (
            observe(budget, store, migrated_db, T0 + timedelta(days=2))["budget_reached"].state
            == "ok"
        )
        assert (
            observe(certificate, store, migrated_db, T0 + timedelta(days=4))[
                "certificate_renewal_failed"
            ].state
            == "ok"
        )


def test_not_configured_without_the_webhook_secret(migrated_db: str) -> None:
    with open_store(migrated_db) as store:
        ctx = RuleContext(store, settings_for(migrated_db), T0)
        for rule in (
            BuildFailed(threshold=1, severity="critical"),
            CertificateRenewalFailed(threshold=1, severity="critical"),
            BudgetReached(threshold=1, severity="warning"),
        ):
            (only,) = rule.observe(ctx)
            assert only.state == "not_configured" and "VERCEL_WEBHOOK_SECRET" in only.message


def test_a_deployment_stored_with_a_future_date_hides_no_failure(migrated_db: str) -> None:
    rule = BuildFailed(threshold=1, severity="critical")
    with open_store(migrated_db) as store:
        ahead = store_event(
            parse_event(encode(deployment_event("deployment.succeeded", "dpl_y2100", T0))[0])
        )
        # As stored before webhook dates were checked: dated 2100, it sorts as the newest build.
        ahead["created_at"] = datetime(2100, 1, 1, tzinfo=UTC)
        record_event(store, ahead)
        deliver(store, deployment_event("deployment.error", "dpl_bad777", T0))
        production = observe(rule, store, migrated_db)["build_failed:production"]
    assert production.state == "firing" and "dpl_bad777" in production.message
