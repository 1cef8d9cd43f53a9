"""deployment_regression: drain buckets before and after a production promote, on real
PostgreSQL, through the alert engine (fires once, names the deployment to roll back to)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from lib.alerts.evaluate import evaluate_alerts
from lib.alerts.rules import RuleContext
from lib.alerts.rules.regression import DeploymentRegression
from lib.core.monitor_config import MonitorConfig
from lib.deployments.store import record_event
from lib.deployments.webhook import parse_event, store_event
from lib.drains.receiver import receive
from lib.notify import Notification
from tests.alerting import only_rules, open_store, settings_for
from tests.fakes.drains import body_of, request_log
from tests.fakes.vercel import SECRET, deployment_event, encode

# Drain deliveries are judged against the wall clock (Vercel retries for a day): a recent NOW.
NOW = datetime.now(UTC).replace(second=0, microsecond=0)
PROMOTE = NOW - timedelta(minutes=10)
STEPS = ("deployment.created", "deployment.succeeded", "deployment.promoted")
RULE = DeploymentRegression(threshold=2.0, severity="critical")


class Recorder:
    name = "webhook"

    def __init__(self) -> None:
        self.sent: list[Notification] = []

    def send(self, notification: Notification) -> None:
        self.sent.append(notification)


def deploy(url: str) -> None:
    """dpl_old (promoted 3 h ago) serves until dpl_new is promoted 10 minutes ago."""
    old, new = NOW - timedelta(hours=3), "Refactor leads"
    events = [
        *(deployment_event(kind, "dpl_old", old, sha="def4567" * 5) for kind in STEPS),
        deployment_event(STEPS[0], "dpl_new", PROMOTE - timedelta(minutes=2), message=new),
        deployment_event(STEPS[1], "dpl_new", PROMOTE - timedelta(minutes=1), message=new),
        deployment_event(STEPS[2], "dpl_new", PROMOTE, message=new),
    ]
    with open_store(url) as store:
        for event in events:
            record_event(store, store_event(parse_event(encode(event)[0])))


def traffic(url: str, at: datetime, ok: int, failed: int, deployment: str, start: int = 0) -> None:
    records = [
        request_log(at, "/api/leads", 200, deployment=deployment, n=start + i) for i in range(ok)
    ]
    records += [
        request_log(at, "/api/leads", 502, deployment=deployment, n=start + ok + i)
        for i in range(failed)
    ]
    with open_store(url) as store:
        receive(settings_for(url), MonitorConfig(), store, body_of(records)[0], None)


def observe(url: str) -> object:
    with open_store(url) as store:
        (found,) = RULE.observe(
            RuleContext(store, settings_for(url, vercel_webhook_secret=SECRET), NOW)
        )
    return found


def test_error_rate_doubles_after_the_promote_and_names_the_rollback(
    migrated_db: str, tmp_path: Path
) -> None:
    assert observe(migrated_db).state == "not_configured"  # no drain data yet
    deploy(migrated_db)
    traffic(migrated_db, PROMOTE - timedelta(minutes=60), 398, 2, "dpl_old")  # 0.5 %
    traffic(migrated_db, PROMOTE + timedelta(minutes=2), 20, 0, "dpl_new", 1000)
    assert observe(migrated_db).state == "settling"  # 20 requests: below the minimum volume
    traffic(migrated_db, PROMOTE + timedelta(minutes=5), 80, 10, "dpl_new", 2000)  # 9.1 %
    found = observe(migrated_db)
    assert found.state == "firing", found
    assert found.value is not None and found.value >= 2
    assert found.message.startswith("dpl_new (commit abc1234")
    assert "error rate 9.091% vs 0.5% in the 2 h before" in found.message
    assert "roll back to dpl_old (commit def4567" in found.message

    # Through the engine: one notification, critical, naming the rollback target.
    config = only_rules(tmp_path, "deployment_regression")
    recorder = Recorder()
    settings = settings_for(migrated_db, config, vercel_webhook_secret=SECRET)
    for minutes in (0, 5):
        with open_store(migrated_db) as store:
            evaluate_alerts(store, settings, NOW + timedelta(minutes=minutes), notifiers=[recorder])
    (sent,) = recorder.sent
    assert (sent.rule, sent.severity, sent.event) == ("deployment_regression", "critical", "firing")
    assert "roll back to dpl_old" in sent.message


def test_steady_error_rate_is_no_regression(migrated_db: str) -> None:
    deploy(migrated_db)
    # 3 % before and after: above the error_rate threshold, but not caused by the promote.
    traffic(migrated_db, PROMOTE - timedelta(minutes=30), 97, 3, "dpl_old")
    traffic(migrated_db, PROMOTE + timedelta(minutes=3), 97, 3, "dpl_new", 1000)
    found = observe(migrated_db)
    assert found.state == "ok" and "no regression" in found.message


def test_a_doubling_under_the_error_rate_threshold_is_no_regression(migrated_db: str) -> None:
    deploy(migrated_db)
    traffic(migrated_db, PROMOTE - timedelta(minutes=30), 998, 2, "dpl_old")  # 0.2 %
    traffic(migrated_db, PROMOTE + timedelta(minutes=3), 199, 1, "dpl_new", 5000)  # 0.5 %
    found = observe(migrated_db)
    assert found.state == "ok" and found.value == 2.5
