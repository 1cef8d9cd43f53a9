"""dispute_rate (lib/alerts/rules/disputes.py) through the alert engine, and the OpenAI cost
rule's message naming the model whose tokens grew (lib/alerts/rules/business.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from lib.alerts.evaluate import evaluate_alerts
from lib.alerts.rules import RuleContext
from lib.alerts.rules.business import OpenAICostIncrease
from lib.alerts.rules.disputes import DisputeRate
from lib.notify import Notification
from tests.alerting import T0, YESTERDAY, only_rules, open_store, seed_metrics, settings_for

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db


class Recorder:
    """A notifier that keeps what it was given."""

    name = "webhook"

    def __init__(self) -> None:
        self.sent: list[Notification] = []

    def send(self, notification: Notification) -> None:
        self.sent.append(notification)


def run(url: str, config: Path, at: datetime, recorder: Recorder) -> str:
    with open_store(url) as store:
        report = evaluate_alerts(store, settings_for(url, config), at, notifiers=[recorder])
    return report.alerts["dispute_rate"].state


def test_dispute_rate_fires_once_and_resolves_once(migrated_db: str, tmp_path: Path) -> None:
    config = only_rules(tmp_path, "dispute_rate")
    recorder = Recorder()
    with open_store(migrated_db) as store:
        # 40 disputes / 5,000 charges = 0.8 %: above the 0.65 % warning, below 0.9 % critical.
        seed_metrics(store, YESTERDAY, disputes_opened=40, payments_succeeded=5000)
        seed_metrics(store, YESTERDAY, early_fraud_warnings=3)
    assert run(migrated_db, config, T0, recorder) == "firing"
    assert run(migrated_db, config, T0 + timedelta(minutes=5), recorder) == "firing"
    # The next day brings 5,000 charges without a dispute: 40 / 10,000 = 0.4 %.
    with open_store(migrated_db) as store:
        seed_metrics(
            store, YESTERDAY + timedelta(days=1), disputes_opened=0, payments_succeeded=5000
        )
    assert run(migrated_db, config, T0 + timedelta(days=1), recorder) == "ok"
    assert run(migrated_db, config, T0 + timedelta(days=1, hours=1), recorder) == "ok"
    assert [n.event for n in recorder.sent] == ["firing", "resolved"]
    firing = recorder.sent[0]
    assert firing.severity == "warning"
    assert "0.80 % dispute rate: 40 disputes / 5000 succeeded charges" in firing.message
    assert "3 early fraud warnings" in firing.message


def observe(url: str, **values: float) -> tuple[str, str, str]:
    with open_store(url) as store:
        seed_metrics(store, YESTERDAY, **values)
        [seen] = DisputeRate(threshold=0.65, severity="warning").observe(
            RuleContext(store, settings_for(url), T0)
        )
    return seen.state, seen.severity, seen.message


def test_above_the_critical_ratio_is_critical(migrated_db: str) -> None:
    state, severity, _ = observe(migrated_db, disputes_opened=46, payments_succeeded=5000)
    assert (state, severity) == ("firing", "critical")  # 0.92 % > 0.9 %


def test_below_the_minimum_volume_is_not_judged(migrated_db: str) -> None:
    state, _, message = observe(migrated_db, disputes_opened=5, payments_succeeded=99)
    assert state == "ok" and "judged from 100 charges" in message


def test_without_dispute_metrics_it_is_unknown(migrated_db: str) -> None:
    state, _, message = observe(migrated_db, payments_succeeded=5000)
    assert state == "unknown" and "no dispute metrics" in message


def test_cost_rule_names_the_model_whose_tokens_grew(migrated_db: str) -> None:
    before = YESTERDAY - timedelta(days=1)
    with open_store(migrated_db) as store:
        seed_metrics(
            store,
            before,
            openai_cost_usd=10.0,
            openai_model_tokens_gpt_4o_mini=1_000_000,
            openai_model_tokens_gpt_4o=200_000,
        )
        seed_metrics(
            store,
            YESTERDAY,
            openai_cost_usd=16.0,
            openai_model_tokens_gpt_4o_mini=1_100_000,
            openai_model_tokens_gpt_4o=900_000,
        )
        [seen] = OpenAICostIncrease(threshold=50.0, severity="warning").observe(
            RuleContext(store, settings_for(migrated_db), T0)
        )
    assert seen.state == "firing"
    assert seen.message.endswith("tokens grew most for gpt_4o: 200,000 → 900,000")


def test_cost_rule_without_usage_metrics_keeps_its_message(migrated_db: str) -> None:
    with open_store(migrated_db) as store:
        seed_metrics(store, YESTERDAY - timedelta(days=1), openai_cost_usd=10.0)
        seed_metrics(store, YESTERDAY, openai_cost_usd=16.0)
        [seen] = OpenAICostIncrease(threshold=50.0, severity="warning").observe(
            RuleContext(store, settings_for(migrated_db), T0)
        )
    assert seen.message == f"OpenAI cost 10.00 → 16.00 USD (+60 %) on {YESTERDAY}"
