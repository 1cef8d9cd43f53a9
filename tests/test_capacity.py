"""Capacity forecasts against hand-computed lines; the capacity_forecast rule on stored metrics."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from lib.alerts.rules import RuleContext, build_rules
from lib.core.monitor_config import parse_monitor_config
from lib.metrics.forecast import capacity, fit
from tests.alerting import open_store, settings_for

TODAY = date(2026, 12, 16)


def test_the_line_is_the_hand_computed_least_squares_fit() -> None:
    # x = 0..6, y as below: mean x 3, mean y 16, Σ(x-3)(y-16) = 57, Σ(x-3)² = 28.
    values = [10, 12, 13, 17, 18, 20, 22]
    line = fit({TODAY + timedelta(days=x): float(y) for x, y in enumerate(values)})
    assert line is not None
    assert line.slope == pytest.approx(57 / 28)
    assert line.intercept == pytest.approx(16 - 3 * 57 / 28)
    assert fit({TODAY: 1.0}) is None


def _size_series(start: float, per_day: float) -> dict[date, float]:
    origin = TODAY - timedelta(days=28)
    return {origin + timedelta(days=x): start + per_day * x for x in range(28)}


def test_database_full_on_the_day_the_line_crosses_the_quota() -> None:
    settings = settings_for("postgresql://x@127.0.0.1/x", db_storage_quota_mb=1)
    found = {f.metric: f for f in capacity({"db_size_bytes": _size_series(500_000, 10_000)},
                                            settings, TODAY)}  # fmt: skip
    db = found["db_size_bytes"]
    # 500,000 + 10,000·x = 1,048,576 at x = 54.8576 days after the first day; today is x = 28.
    assert db.days_left == pytest.approx(26.9, abs=0.05)
    assert db.reaches_on == TODAY + timedelta(days=26)
    assert db.state == "warning" and db.current == 770_000
    assert db.used_pct == pytest.approx(100 * 770_000 / 1_048_576, abs=0.01)
    shrinking = capacity({"db_size_bytes": _size_series(900_000, -1_000)}, settings, TODAY)[0]
    assert (shrinking.state, shrinking.days_left) == ("ok", None)
    few = capacity({"db_size_bytes": dict(list(_size_series(1, 1).items())[-5:])}, settings, TODAY)
    assert few[0].state == "unknown" and "5 of the last 28 days" in few[0].note


def test_bandwidth_of_the_billing_cycle_and_the_openai_budget() -> None:
    settings = settings_for(
        "postgresql://x@127.0.0.1/x",
        vercel_bandwidth_quota_gb=1,
        vercel_billing_cycle_day=1,
        openai_monthly_budget_usd=100,
    )
    days = [TODAY - timedelta(days=k) for k in range(1, 29)]
    series = {
        "bandwidth_bytes": {d: 40e6 for d in days},
        "openai_cost_usd": {d: 2.0 for d in days},
    }
    found = {f.metric: f for f in capacity(series, settings, TODAY)}
    band = found["bandwidth_bytes"]
    # 1-15 December used 600 MB (60 %); 40 MB a day reach 1 GB after 10 more days: the 25th.
    assert (band.current, band.used_pct) == (600e6, 60.0)
    assert (band.days_left, band.reaches_on, band.state) == (10.0, date(2026, 12, 25), "warning")
    cost = found["openai_cost_usd"]
    # 30 USD so far, 2 a day: 62 USD by the month's end, under the 100 USD budget.
    assert (cost.current, cost.days_left, cost.state) == (30.0, None, "ok")
    assert "62 % of the limit by 2027-01-01" in cost.note
    unset = capacity(series, settings_for("postgresql://x@127.0.0.1/x"), TODAY)
    assert {f.metric: f.state for f in unset}["bandwidth_bytes"] == "not_configured"


def test_the_rule_warns_under_30_days_from_stored_metrics(migrated_db: str) -> None:
    now = datetime.now(UTC)
    settings = settings_for(migrated_db, db_storage_quota_mb=1)
    today = now.astimezone(settings.metrics_timezone).date()
    rows = [
        {"day": today - timedelta(days=28 - x), "metric": "db_size_bytes",
         "value": 500_000 + 10_000 * x, "unit": "bytes"}
        for x in range(28)
    ]  # fmt: skip
    (rule,) = [r for r in build_rules(parse_monitor_config("")) if r.name == "capacity_forecast"]
    with open_store(migrated_db) as store:
        store.upsert_daily_metrics(rows)
        found = {o.key: o for o in rule.observe(RuleContext(store, settings, now))}  # type: ignore[attr-defined]
    db = found["capacity_forecast:db_size_bytes"]
    assert db.state == "firing" and db.value == pytest.approx(26.9, abs=0.05)
    assert "reaches it in 26.9 days" in db.message
    assert found["capacity_forecast:bandwidth_bytes"].state == "not_configured"
    assert found["capacity_forecast:openai_cost_usd"].state == "not_configured"
    assert "capacity_forecast:storage_bytes" not in found, "only where a source stores it"
