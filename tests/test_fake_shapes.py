"""The fakes answer in the official shapes: every body they serve validates against the specs."""

from __future__ import annotations

import json

import httpx
import jsonschema
import pytest

from tests.fakes import load_json
from tests.fakes.shapes import response_schema, validate, validate_resend_error, validate_response
from tests.fakes.status import VENDORS, FakeStatusPage
from tests.fakes.vendors import FakeOpenAI, FakeResend, FakeStripe


def test_openai_model_bodies(fake_openai: FakeOpenAI) -> None:
    one = httpx.get(fake_openai.base_url + "/models/gpt-4o-mini").json()
    validate_response("openai", "GET", "/models/{model}", 200, one)
    listing = httpx.get(fake_openai.base_url + "/models").json()
    validate_response("openai", "GET", "/models", 200, listing)


@pytest.mark.parametrize("status", [401, 403, 404, 429, 500])
def test_openai_error_bodies(fake_openai: FakeOpenAI, status: int) -> None:
    fake_openai.mode = str(status)
    body = httpx.get(fake_openai.base_url + "/models").json()
    validate("openai", {"$ref": "#/components/schemas/ErrorResponse"}, body)


def test_stripe_balance_body(fake_stripe: FakeStripe) -> None:
    body = httpx.get(fake_stripe.url + "/v1/balance").json()
    validate_response("stripe", "GET", "/v1/balance", 200, body)


@pytest.mark.parametrize("status", [401, 403, 429, 500])
def test_stripe_error_bodies(fake_stripe: FakeStripe, status: int) -> None:
    fake_stripe.mode = str(status)
    body = httpx.get(fake_stripe.url + "/v1/balance").json()
    validate_response("stripe", "GET", "/v1/balance", status, body)


def test_resend_domains_body(fake_resend: FakeResend) -> None:
    body = httpx.get(fake_resend.url + "/domains").json()
    validate_response("resend", "GET", "/domains", 200, body)


@pytest.mark.parametrize("status", [401, 403, 429, 500])
def test_resend_error_bodies(fake_resend: FakeResend, status: int) -> None:
    fake_resend.mode = str(status)
    response = httpx.get(fake_resend.url + "/domains")
    assert response.status_code == status
    validate_resend_error(response.json())


def test_validation_rejects_a_wrong_shape() -> None:
    """The checker itself has teeth: a balance without `object` is refused."""
    schema = response_schema("stripe", "GET", "/v1/balance", 200)
    with pytest.raises(jsonschema.ValidationError):
        validate("stripe", schema, {"available": [], "livemode": False})


def validate_statuspage_summary(body: object) -> None:
    """Statuspage publishes no machine-readable description: the schema in tests/specs/ is
    derived from its documented Summary example (tests/specs/README.md)."""
    jsonschema.Draft202012Validator(load_json("statuspage-summary.schema.json")).validate(body)


def test_statuspage_summary_body() -> None:
    from datetime import UTC, datetime, timedelta

    page = FakeStatusPage()
    try:
        at = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
        validate_statuspage_summary(httpx.get(page.summary_url).json())
        page.open_incident("Elevated API errors", at)
        page.schedule_maintenance(
            "Database upgrade", at, at + timedelta(days=2), at + timedelta(days=2, hours=2)
        )
        body = httpx.get(page.summary_url).json()
        assert body["incidents"] and body["scheduled_maintenances"]
        validate_statuspage_summary(body)
        # The vendor-format fixture the fake can serve instead passes the same check.
        served = page.serve_fixture("statuspage/summary.json")
        assert httpx.get(page.summary_url).content == served
        validate_statuspage_summary(httpx.get(page.summary_url).json())
    finally:
        page.close()


def test_statuspage_validation_rejects_a_wrong_shape() -> None:
    """A scheduled maintenance without its window, or an unknown indicator, is refused."""
    body = json.loads((VENDORS / "statuspage" / "summary.json").read_text())
    del body["scheduled_maintenances"][0]["scheduled_for"]
    with pytest.raises(jsonschema.ValidationError):
        validate_statuspage_summary(body)
    body = json.loads((VENDORS / "statuspage" / "summary.json").read_text())
    body["status"]["indicator"] = "degraded"
    with pytest.raises(jsonschema.ValidationError):
        validate_statuspage_summary(body)
