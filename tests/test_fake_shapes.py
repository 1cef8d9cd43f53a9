"""The fakes answer in the official shapes: every body they serve validates against the specs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jsonschema
import pytest

from lib.platform.checks import FAILED_LOGINS_SQL
from lib.platform.management import HEALTH_SERVICES
from tests.fakes import load_json
from tests.fakes.shapes import response_schema, validate, validate_resend_error, validate_response
from tests.fakes.status import VENDORS, FakeStatusPage
from tests.fakes.supabase_management import REF, TOKEN, FakeManagement, backup, lint
from tests.fakes.vendors import FakeOpenAI, FakeResend, FakeStripe
from tests.local_http import LOCAL_HTTP


def test_openai_model_bodies(fake_openai: FakeOpenAI) -> None:
    one = LOCAL_HTTP.get(fake_openai.base_url + "/models/gpt-4o-mini").json()
    validate_response("openai", "GET", "/models/{model}", 200, one)
    listing = LOCAL_HTTP.get(fake_openai.base_url + "/models").json()
    validate_response("openai", "GET", "/models", 200, listing)


@pytest.mark.parametrize("status", [401, 403, 404, 429, 500])
def test_openai_error_bodies(fake_openai: FakeOpenAI, status: int) -> None:
    fake_openai.mode = str(status)
    body = LOCAL_HTTP.get(fake_openai.base_url + "/models").json()
    validate("openai", {"$ref": "#/components/schemas/ErrorResponse"}, body)


def test_stripe_balance_body(fake_stripe: FakeStripe) -> None:
    body = LOCAL_HTTP.get(fake_stripe.url + "/v1/balance").json()
    validate_response("stripe", "GET", "/v1/balance", 200, body)


@pytest.mark.parametrize("status", [401, 403, 429, 500])
def test_stripe_error_bodies(fake_stripe: FakeStripe, status: int) -> None:
    fake_stripe.mode = str(status)
    body = LOCAL_HTTP.get(fake_stripe.url + "/v1/balance").json()
    validate_response("stripe", "GET", "/v1/balance", status, body)


def test_resend_domains_body(fake_resend: FakeResend) -> None:
    body = LOCAL_HTTP.get(fake_resend.url + "/domains").json()
    validate_response("resend", "GET", "/domains", 200, body)


@pytest.mark.parametrize("status", [401, 403, 429, 500])
def test_resend_error_bodies(fake_resend: FakeResend, status: int) -> None:
    fake_resend.mode = str(status)
    response = LOCAL_HTTP.get(fake_resend.url + "/domains")
    assert response.status_code == status
    validate_resend_error(response.json())


def test_validation_rejects_a_wrong_shape() -> None:
    """The checker itself has teeth: a balance without `object` is refused."""
    schema = response_schema("stripe", "GET", "/v1/balance", 200)
    with pytest.raises(jsonschema.ValidationError):
        validate("stripe", schema, {"available": [], "livemode": False})


# The Supabase Management API fake: every route, in every state the tests put it in, answers in
# the official OpenAPI document's shapes (tests/specs/supabase-management-openapi.json), and
# refuses the queries the document does not allow.
SUPABASE_PROJECT = "/v1/projects/{ref}"


def _management_get(fake: FakeManagement, tail: str, **params: Any) -> httpx.Response:
    return LOCAL_HTTP.get(
        f"{fake.url}/v1/projects/{REF}{tail}",
        params=params,
        headers={"Authorization": f"Bearer {TOKEN}"},
    )


def _logs_params(sql: str, hours: float = 1) -> dict[str, str]:
    start = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    end = start + timedelta(hours=hours)
    return {
        "sql": sql,
        "iso_timestamp_start": start.isoformat(),
        "iso_timestamp_end": end.isoformat(),
    }


def _management_states(fake: FakeManagement) -> Iterator[str]:
    """The states tests put the fake in: as reset, a Free project, findings, failed logins."""
    yield "default"
    fake.backups_body["backups"] = [backup("COMPLETED", 30), backup("FAILED", 3, backup_id=9)]
    fake.backups_body["pitr_enabled"] = True
    fake.security = [
        lint(name, "ERROR") for name in ("rls_disabled_in_public", "auth_users_exposed")
    ]
    fake.security.append(lint("extension_in_public", "INFO", "x"))
    fake.performance = [lint("unindexed_foreign_keys", "WARN", category="PERFORMANCE")]
    fake.auth_failures = [("203.0.113.7", 40), ("198.51.100.2", 9)]
    fake.health_body[2]["status"] = "UNHEALTHY"
    yield "findings"
    fake.backups_body.update(walg_enabled=False, pitr_enabled=False, backups=[])
    fake.drop_healthy()
    fake.logs_error = "Backend error! Retry your query."
    yield "free project, no deprecated healthy, a refused log query"


def test_management_bodies(fake_management: FakeManagement) -> None:
    sql = FAILED_LOGINS_SQL.format(start="2026-11-24 10:00:00", end="2026-11-24 11:00:00")
    for state in _management_states(fake_management):
        answers = {
            "/database/backups": _management_get(fake_management, "/database/backups"),
            "/health": _management_get(fake_management, "/health", services=list(HEALTH_SERVICES)),
            "/advisors/security": _management_get(
                fake_management, "/advisors/security", lint_type="sql"
            ),
            "/advisors/performance": _management_get(fake_management, "/advisors/performance"),
            "/analytics/endpoints/logs.all": _management_get(
                fake_management, "/analytics/endpoints/logs", **_logs_params(sql)
            ),
        }
        for tail, answer in answers.items():
            assert answer.status_code == 200, (state, tail, answer.text)
            validate_response("supabase", "GET", SUPABASE_PROJECT + tail, 200, answer.json())
    assert fake_management.violations == []


def test_management_refuses_what_the_document_does_not_allow(
    fake_management: FakeManagement,
) -> None:
    sql = FAILED_LOGINS_SQL.format(start="2026-11-24 10:00:00", end="2026-11-24 11:00:00")
    refused = {
        # `services` is an exploded array of enum values: a comma-joined value is none of them.
        "comma-joined services": ("/health", {"services": "auth,db"}),
        "unknown service": ("/health", {"services": ["auth", "graphql"]}),
        "missing services": ("/health", {}),
        "timeout_ms over 10000": ("/health", {"services": ["db"], "timeout_ms": "20000"}),
        "unknown parameter": ("/database/backups", {"limit": "5"}),
        "unknown lint_type": ("/advisors/security", {"lint_type": "all"}),
        "range over 24 h": ("/analytics/endpoints/logs", _logs_params(sql, hours=25)),
        "unknown log parameter": ("/analytics/endpoints/logs", {**_logs_params(sql), "x": "1"}),
    }
    for what, (tail, params) in refused.items():
        answer = _management_get(fake_management, tail, **params)
        assert answer.status_code == 400, (what, answer.status_code, answer.text)
    # Accepted as documented: exploded services, exactly 24 hours, `source = 'auth_logs'`.
    ok = _management_get(fake_management, "/health", services=["auth", "db"], timeout_ms="2000")
    assert [s["name"] for s in ok.json()] == ["auth", "db"]
    day = _management_get(fake_management, "/analytics/endpoints/logs", **_logs_params(sql, 24))
    assert day.status_code == 200 and "error" not in day.json()
    # An undocumented column is an error in the answer, like ClickHouse's, with no rows.
    guess = sql.replace("source =", "source_name =")
    wrong = _management_get(fake_management, "/analytics/endpoints/logs", **_logs_params(guess))
    body = wrong.json()
    assert "source_name" in body["error"] and "result" not in body
    validate_response(
        "supabase", "GET", SUPABASE_PROJECT + "/analytics/endpoints/logs.all", 200, body
    )


def test_management_fake_cannot_serve_outside_the_document(
    fake_management: FakeManagement,
) -> None:
    """The fake's own check has teeth: a lint name the document does not list is refused."""
    fake_management.security = [lint("made_up_lint", "ERROR")]
    answer = _management_get(fake_management, "/advisors/security")
    assert answer.status_code == 500 and "outside the spec" in answer.json()["message"]
    del fake_management.backups_body["backups"][0]["id"]
    assert _management_get(fake_management, "/database/backups").status_code == 500
    assert len(fake_management.violations) == 2


def test_management_refuses_a_timestamp_that_is_no_date(fake_management: FakeManagement) -> None:
    params = {"sql": "SELECT 1 FROM logs", "iso_timestamp_start": "yesterday"}
    answer = _management_get(
        fake_management, "/analytics/endpoints/logs", **params, iso_timestamp_end="now"
    )
    assert answer.status_code == 400


def validate_statuspage_summary(body: object) -> None:
    """Statuspage publishes no machine-readable description: the schema in tests/specs/ is
    derived from its documented Summary example (tests/specs/README.md)."""
    jsonschema.Draft202012Validator(load_json("statuspage-summary.schema.json")).validate(body)


def test_statuspage_summary_body() -> None:
    from datetime import UTC, datetime, timedelta

    page = FakeStatusPage()
    try:
        at = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
        validate_statuspage_summary(LOCAL_HTTP.get(page.summary_url).json())
        page.open_incident("Elevated API errors", at)
        page.schedule_maintenance(
            "Database upgrade", at, at + timedelta(days=2), at + timedelta(days=2, hours=2)
        )
        body = LOCAL_HTTP.get(page.summary_url).json()
        assert body["incidents"] and body["scheduled_maintenances"]
        validate_statuspage_summary(body)
        # The vendor-format fixture the fake can serve instead passes the same check.
        served = page.serve_fixture("statuspage/summary.json")
        assert LOCAL_HTTP.get(page.summary_url).content == served
        validate_statuspage_summary(LOCAL_HTTP.get(page.summary_url).json())
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
