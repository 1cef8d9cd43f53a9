"""The billing fakes (tests/fakes/billing.py) answer in the official shapes (validated against
the specs) and paginate as the vendors do: Stripe's cursors, Resend's metrics, OpenAI's costs."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.fakes.billing import BillingStripe, CostsOpenAI, MetricsResend
from tests.fakes.shapes import validate_resend_error, validate_response
from tests.local_http import LOCAL_HTTP
from tests.metrics_seed import recent_ordinary_day

DAY = recent_ordinary_day()


@pytest.fixture(scope="module")
def stripe() -> Iterator[BillingStripe]:
    fake = BillingStripe()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def resend() -> Iterator[MetricsResend]:
    fake = MetricsResend()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def openai() -> Iterator[CostsOpenAI]:
    fake = CostsOpenAI()
    yield fake
    fake.close()


T0 = datetime(DAY.year, DAY.month, DAY.day, 12, tzinfo=UTC)


def all_pages(url: str, params: dict[str, str]) -> list[dict]:
    items: list[dict] = []
    while True:
        body = LOCAL_HTTP.get(url, params=params).json()
        path = "/" + url.split("/", 3)[3]
        validate_response("stripe", "GET", path, 200, body)
        items += body["data"]
        if not body["has_more"]:
            return items
        params = {**params, "starting_after": body["data"][-1]["id"]}


def test_stripe_charges_subscriptions_events(stripe: BillingStripe) -> None:
    stripe.reset()
    for i in range(25):
        stripe.add_charge(T0 + timedelta(minutes=i), "failed" if i % 5 == 0 else "succeeded")
    stripe.add_charge(T0 - timedelta(days=1))
    stripe.add_subscription(T0, "active")
    stripe.add_subscription(T0, "canceled")
    stripe.add_event(T0, "customer.subscription.deleted")
    stripe.add_event(T0, "invoice.paid", delivered=False)
    window = {"created[gte]": str(int(T0.timestamp())), "limit": "10"}
    charges = all_pages(stripe.url + "/v1/charges", window)
    assert len(charges) == 25 and len({c["id"] for c in charges}) == 25
    assert [c["created"] for c in charges] == sorted((c["created"] for c in charges), reverse=True)
    assert len(all_pages(stripe.url + "/v1/subscriptions", window)) == 1, "canceled hidden"
    assert len(all_pages(stripe.url + "/v1/subscriptions", {**window, "status": "all"})) == 2
    deleted = all_pages(stripe.url + "/v1/events", {"type": "customer.subscription.deleted"})
    assert [e["type"] for e in deleted] == ["customer.subscription.deleted"]
    assert deleted[0]["data"]["object"]["object"] == "subscription"
    failed = all_pages(stripe.url + "/v1/events", {"delivery_success": "false"})
    assert [e["type"] for e in failed] == ["invoice.paid"]


def test_resend_metrics(resend: MetricsResend) -> None:
    resend.reset()
    resend.add_emails(T0, "sent", 3)
    resend.add_emails(T0 + timedelta(days=1), "sent", 5)
    params = {
        "start_date": f"{DAY}T00:00:00.000Z",
        "end_date": f"{DAY + timedelta(days=1)}T00:00:00.000Z",
        "metrics": "sent,delivered",
    }
    body = LOCAL_HTTP.get(resend.url + "/emails/metrics", params=params).json()
    validate_response("resend", "GET", "/emails/metrics", 200, body)
    assert body["totals"] == {"sent": 3, "delivered": 0}
    resend.mode = "429"
    response = LOCAL_HTTP.get(resend.url + "/emails/metrics", params=params)
    assert response.status_code == 429
    validate_resend_error(response.json())
    resend.reset()


def test_openai_costs_pages_with_next_page(openai: CostsOpenAI) -> None:
    openai.reset()
    for day in range(10):
        openai.add_cost(T0 + timedelta(days=day), 0.5 + day)
    start = int(datetime(DAY.year, DAY.month, DAY.day, tzinfo=UTC).timestamp())
    params = {"start_time": str(start), "end_time": str(start + 10 * 86400), "bucket_width": "1d"}
    headers = {"Authorization": "Bearer admin"}
    buckets: list[dict] = []
    pages = 0
    while True:
        body = LOCAL_HTTP.get(
            openai.base_url + "/organization/costs", params=params, headers=headers
        )
        body = body.json()
        validate_response("openai", "GET", "/organization/costs", 200, body)
        buckets += body["data"]
        pages += 1
        if not body["has_more"]:
            assert body["next_page"] is None
            break
        params = {**params, "page": body["next_page"]}
    assert pages == 2, "10 daily buckets at the default limit of 7"
    assert [b["start_time"] for b in buckets] == [start + i * 86400 for i in range(10)]
    assert [b["results"][0]["amount"]["value"] for b in buckets] == [0.5 + i for i in range(10)]
