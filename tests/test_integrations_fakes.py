"""The fakes behind /api/health/integrations answer in the official shapes, pages included."""

from __future__ import annotations

from collections.abc import Iterator

import jsonschema
import pytest
from jsonschema import Draft202012Validator

from tests.fakes.realtime import MESSAGE_SCHEMA, FakeRealtime
from tests.fakes.shapes import response_schema, validate, validate_resend_error, validate_response
from tests.fakes.vendors import FakeResend, FakeStripe
from tests.local_http import LOCAL_HTTP

KEY = "realtime-key-for-shape-tests"


@pytest.fixture(scope="module")
def realtime() -> Iterator[FakeRealtime]:
    fake = FakeRealtime(KEY)
    yield fake
    fake.close()


def test_stripe_webhook_endpoint_pages(fake_stripe: FakeStripe) -> None:
    fake_stripe.webhook_endpoints = [
        ("https://carbot.de/a", "enabled"),
        ("https://carbot.de/b", "disabled"),
        ("https://carbot.de/c", "enabled"),
    ]
    first = LOCAL_HTTP.get(fake_stripe.url + "/v1/webhook_endpoints", params={"limit": 2}).json()
    validate_response("stripe", "GET", "/v1/webhook_endpoints", 200, first)
    assert first["has_more"] is True and len(first["data"]) == 2
    after = first["data"][-1]["id"]
    second = LOCAL_HTTP.get(
        fake_stripe.url + "/v1/webhook_endpoints", params={"limit": 2, "starting_after": after}
    ).json()
    validate_response("stripe", "GET", "/v1/webhook_endpoints", 200, second)
    assert second["has_more"] is False
    assert [e["status"] for e in second["data"]] == ["enabled"]


def test_stripe_event_pages_and_filters(fake_stripe: FakeStripe) -> None:
    fake_stripe.add_events(3, failed=True, pending_webhooks=2)
    fake_stripe.add_events(2, failed=False)
    fake_stripe.add_events(1, failed=True, age_s=3 * 24 * 3600)
    newest = fake_stripe.events[0]["created"]
    params = {"delivery_success": "false", "created[gte]": newest - 3600, "limit": 2}
    first = LOCAL_HTTP.get(fake_stripe.url + "/v1/events", params=params).json()
    validate_response("stripe", "GET", "/v1/events", 200, first)
    assert first["has_more"] is True
    rest = LOCAL_HTTP.get(
        fake_stripe.url + "/v1/events", params={**params, "starting_after": first["data"][-1]["id"]}
    ).json()
    validate_response("stripe", "GET", "/v1/events", 200, rest)
    assert len(first["data"]) + len(rest["data"]) == 3
    assert all(e["pending_webhooks"] == 2 for e in first["data"] + rest["data"])


@pytest.mark.parametrize("path", ["/v1/webhook_endpoints", "/v1/events"])
@pytest.mark.parametrize("status", [401, 403, 429, 500])
def test_stripe_list_error_bodies(fake_stripe: FakeStripe, path: str, status: int) -> None:
    fake_stripe.mode = str(status)
    response = LOCAL_HTTP.get(fake_stripe.url + path)
    assert response.status_code == status
    validate_response("stripe", "GET", path, status, response.json())


def test_stripe_list_schema_has_teeth() -> None:
    schema = response_schema("stripe", "GET", "/v1/events", 200)
    with pytest.raises(jsonschema.ValidationError):
        validate("stripe", schema, {"object": "list", "data": [], "has_more": False})


def test_resend_domain_pages(fake_resend: FakeResend) -> None:
    fake_resend.domains = {f"d{i}.example": "verified" for i in range(5)}
    fake_resend.domains["carbot.de"] = "pending"
    first = LOCAL_HTTP.get(fake_resend.url + "/domains", params={"limit": 4}).json()
    validate_response("resend", "GET", "/domains", 200, first)
    assert first["has_more"] is True
    rest = LOCAL_HTTP.get(
        fake_resend.url + "/domains", params={"limit": 4, "after": first["data"][-1]["id"]}
    ).json()
    validate_response("resend", "GET", "/domains", 200, rest)
    assert rest["has_more"] is False
    assert rest["data"][-1] == {**rest["data"][-1], "name": "carbot.de", "status": "pending"}


@pytest.mark.parametrize("status", ["failed", "not_started", "partially_verified"])
def test_resend_domain_statuses(fake_resend: FakeResend, status: str) -> None:
    fake_resend.domains = {"carbot.de": status}
    body = LOCAL_HTTP.get(fake_resend.url + "/domains").json()
    validate_response("resend", "GET", "/domains", 200, body)


def test_resend_not_found_error_body(fake_resend: FakeResend) -> None:
    response = LOCAL_HTTP.get(fake_resend.url + "/nowhere")
    assert response.status_code == 404
    validate_resend_error(response.json())


def test_realtime_bodies(realtime: FakeRealtime) -> None:
    checker = Draft202012Validator(MESSAGE_SCHEMA)
    url = realtime.url + "/realtime/v1/api/ping"
    ok = LOCAL_HTTP.get(url, headers={"apikey": KEY})
    assert ok.status_code == 200 and ok.json() == {"message": "Success"}
    missing = LOCAL_HTTP.get(url)
    wrong = LOCAL_HTTP.get(url, headers={"apikey": "nope"})
    realtime.tenant_known = False
    tenant = LOCAL_HTTP.get(url, headers={"apikey": KEY})
    realtime.reset()
    realtime.mode = "500"
    failed = LOCAL_HTTP.get(url, headers={"apikey": KEY})
    realtime.reset()
    for response in (ok, missing, wrong, tenant, failed):
        checker.validate(response.json())
    assert [r.status_code for r in (missing, wrong, tenant, failed)] == [401, 401, 401, 500]
    assert tenant.json() == {"message": "Tenant not found in host"}
