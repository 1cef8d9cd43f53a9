"""Stripe disputes, refunds and early fraud warnings (lib/metrics/stripe_disputes.py) through the
SDK against the fake, its bodies and queries checked against Stripe's API description."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from lib.metrics.stripe_disputes import Dispute, EarlyFraudWarning, Refund
from tests.business_run import at, business_settings, day_report, recent_ordinary_day, run_cron
from tests.fakes.business import RiskStripe
from tests.fakes.shapes import validate_response
from tests.local_http import LOCAL_HTTP

DAY = recent_ordinary_day()
VENDOR = Path(__file__).parent / "fixtures" / "vendors" / "stripe"
PATHS = ("/v1/disputes", "/v1/refunds", "/v1/radar/early_fraud_warnings")


@pytest.fixture(scope="module")
def stripe() -> Iterator[RiskStripe]:
    fake = RiskStripe()
    yield fake
    fake.close()


@pytest.fixture(autouse=True)
def _reset(stripe: RiskStripe) -> Iterator[None]:
    stripe.reset()
    yield
    assert stripe.refused == [], "the monitor sent a query outside Stripe's description"


def seed(stripe: RiskStripe) -> None:
    """The day of test_a_day_with_disputes_and_refunds, its figures computed by hand there."""
    for hour in (9, 10, 11):
        stripe.add_charge(at(DAY, hour), "succeeded", 4900, "eur")
    stripe.add_dispute(at(DAY, 8), 4900)
    stripe.add_dispute(at(DAY, 12), 2500)
    stripe.add_dispute(at(DAY, 23, 59), 1000)
    stripe.add_dispute(at(DAY, 13), 1500, "usd")
    stripe.add_dispute(at(DAY - timedelta(days=1), 23, 59), 99999)  # the day before: not ours
    stripe.add_dispute(at(DAY + timedelta(days=1), 0, 0), 99999)  # the next day: not ours
    # 250 refunds of 10 cents: three pages of at most 100.
    for minute in range(250):
        stripe.add_refund(at(DAY, 14) + timedelta(minutes=minute), 10)
    stripe.add_refund(at(DAY, 15), 700, "usd")
    stripe.add_refund(at(DAY, 16), 5000, status="failed")  # no money moved: not counted
    stripe.add_refund(at(DAY, 17), 300, status="pending")  # on its way: counted
    stripe.add_refund(at(DAY + timedelta(days=1), 1), 99999)  # not ours
    stripe.add_fraud_warning(at(DAY, 7))
    stripe.add_fraud_warning(at(DAY, 20))
    stripe.add_fraud_warning(at(DAY - timedelta(days=2), 20))  # not ours


def test_a_day_with_disputes_and_refunds(migrated_db: str, stripe: RiskStripe) -> None:
    seed(stripe)
    answer = run_cron(business_settings(migrated_db, stripe.url, None), day=str(DAY))
    report = day_report(answer, DAY)
    for source in ("stripe.charges", "stripe.disputes", "stripe.refunds", "stripe.fraud_warnings"):
        assert source not in report["unavailable"] and source not in report["skipped"], source
    metrics = report["metrics"]
    by_hand = {
        "revenue_cents": 3 * 4900,
        "disputes_opened": 4,
        "dispute_amount_cents": 4900 + 2500 + 1000,
        "dispute_amount_cents_usd": 1500,
        "refunds": 250 + 1 + 1,  # 250 EUR, one USD, one pending; the failed one left out
        "refunded_cents": 250 * 10 + 300,
        "refunded_cents_usd": 700,
        "net_revenue_cents": 3 * 4900 - (250 * 10 + 300),
        "early_fraud_warnings": 2,
    }
    assert {k: metrics[k] for k in by_hand} == by_hand
    refund_pages = [r for r in stripe.requests if r.path == "/v1/refunds"]
    assert len(refund_pages) == 3
    assert refund_pages[0].arg("starting_after") is None
    assert [r.arg("limit") for r in refund_pages] == ["100"] * 3
    assert refund_pages[2].arg("starting_after") is not None


def test_without_a_key_the_sources_are_absent_and_named(migrated_db: str) -> None:
    report = day_report(run_cron(business_settings(migrated_db, None, None), day=str(DAY)), DAY)
    for source in ("stripe.disputes", "stripe.refunds", "stripe.fraud_warnings"):
        assert report["skipped"][source] == "STRIPE_SECRET_KEY is not set"
    for metric in ("disputes_opened", "refunds", "refunded_cents", "net_revenue_cents"):
        assert metric not in report["metrics"]


def test_a_refused_list_leaves_only_its_metrics_absent(
    migrated_db: str, stripe: RiskStripe
) -> None:
    seed(stripe)
    stripe.route("GET", "/v1/disputes")(lambda request: (403, stripe.error_body(403, "no")))
    stripe.routes.insert(0, stripe.routes.pop())  # the refusing route answers first
    try:
        report = day_report(
            run_cron(business_settings(migrated_db, stripe.url, None), day=str(DAY)), DAY
        )
    finally:
        stripe.routes.pop(0)
    assert report["unavailable"]["stripe.disputes"] == "credentials rejected"
    assert "disputes_opened" not in report["metrics"]
    assert report["metrics"]["refunds"] == 252 and report["metrics"]["early_fraud_warnings"] == 2


def test_fake_bodies_follow_the_description(stripe: RiskStripe) -> None:
    seed(stripe)
    for path in PATHS:
        body = LOCAL_HTTP.get(stripe.url + path, params={"limit": "2"}).json()
        assert len(body["data"]) == 2 and body["has_more"] is True
        validate_response("stripe", "GET", path, 200, body)


def test_fake_refuses_a_query_outside_the_description(stripe: RiskStripe) -> None:
    answer = LOCAL_HTTP.get(stripe.url + "/v1/disputes", params={"status": "lost"})
    assert answer.status_code == 400
    validate_response("stripe", "GET", "/v1/disputes", 400, answer.json())
    assert stripe.refused == ["/v1/disputes?status"]
    stripe.refused.clear()


def test_the_vendor_examples_read_unchanged() -> None:
    """Stripe's current published objects (verbatim) read with the monitor's own models."""
    dispute = Dispute.model_validate(json.loads((VENDOR / "dispute.json").read_text()))
    assert (dispute.amount, dispute.currency, dispute.status) == (
        1000,
        "usd",
        "warning_needs_response",
    )
    refund = Refund.model_validate(json.loads((VENDOR / "refund.json").read_text()))
    assert (refund.amount, refund.currency, refund.status) == (100, "usd", "succeeded")
    warning = EarlyFraudWarning.model_validate(
        json.loads((VENDOR / "early_fraud_warning.json").read_text())
    )
    assert warning.fraud_type == "misc"
