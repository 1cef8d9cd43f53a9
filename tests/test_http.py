"""lib/core/http.py over real HTTP: parameter checks, upstream text kept out of bodies, closed
preview deployments, configuration errors, Accept negotiation and values never reflected."""

from __future__ import annotations

import psycopg
import pytest
from pydantic import TypeAdapter, ValidationError

from lib.core.http import accept_quality, redact
from tests.conftest import ROOT, SECRETS, SERVICE_KEY, DevServer, assert_no_secret, vendor_env
from tests.fakes import FakeRequest, FakeUpstream, Reply

TOKEN = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
CRON = {"Authorization": f"Bearer {SECRETS['CRON_SECRET']}"}


def routes() -> list[str]:
    """Every function of api/, as its URL path: a new endpoint is covered without editing this."""
    return sorted(
        "/" + str(path.relative_to(ROOT).with_suffix("")) for path in (ROOT / "api").rglob("*.py")
    )


def vendor_calls(*fakes: FakeUpstream) -> int:
    return sum(len(fake.requests) for fake in fakes)


# -- unknown parameters ----------------------------------------------------------------------


@pytest.mark.parametrize("route", routes())
def test_unknown_parameter_is_a_400_before_any_work(
    vendor_server: DevServer, route: str, fake_openai, fake_stripe, fake_resend, module_db: str
) -> None:
    headers = CRON if route.startswith("/api/cron/") else TOKEN
    for anyone in ({}, headers):
        response = vendor_server.get(f"{route}?x=1", headers=anyone)
        if response.status_code == 405:  # a POST-only function (webhook receivers)
            method = response.headers["allow"].split(",")[0].strip()
            response = vendor_server.request(method, f"{route}?x=1", headers=anyone)
        assert response.status_code == 400, (route, response.text)
        assert response.json()["error"].startswith("unknown parameter 'x'; accepted:")
    assert vendor_calls(fake_openai, fake_stripe, fake_resend) == 0
    with psycopg.connect(module_db) as conn:
        assert conn.execute("select count(*) from monitoring_cron_runs").fetchone() == (0,)


def test_known_parameters_still_work(vendor_server: DevServer) -> None:
    assert vendor_server.get("/api/badge?metric=uptime&window=7d").status_code == 200
    assert vendor_server.get("/api/metrics?metric=leads&days=3", headers=TOKEN).status_code == 200


# -- no upstream text in any body ------------------------------------------------------------


class EchoingGateway(FakeUpstream):
    """A gateway in front of PostgREST that answers 502 and echoes the request, key included."""

    def __init__(self) -> None:
        super().__init__(name="gateway")
        self.route("POST", r"/rest/v1/rpc/(?P<fn>[a-z_]+)")(self._rpc)

    def _rpc(self, request: FakeRequest, fn: str) -> Reply:
        return 502, {
            "code": "42501",
            "message": f"permission denied for function {fn} (apikey {request.headers['apikey']})",
            "details": request.headers.get("authorization"),
            "hint": None,
        }


def test_gateway_text_never_reaches_a_body(
    dev_server, fake_openai, fake_stripe, fake_resend
) -> None:
    gateway = EchoingGateway()
    try:
        env = vendor_env(
            fake_openai,
            fake_stripe,
            fake_resend,
            None,
            SUPABASE_URL=gateway.url,
            SUPABASE_SERVICE_ROLE_KEY=SERVICE_KEY,
        )
        dev = dev_server(env)
        answers = {
            "status": dev.get("/api/status"),
            "metrics": dev.get("/api/metrics?metric=leads", headers=TOKEN),
            "health": dev.get("/api/health", headers=TOKEN),
            "cron": dev.get("/api/cron/health_check", headers=CRON),
            "daily": dev.get("/api/cron/daily_metrics", headers=CRON),
        }
    finally:
        gateway.close()
    assert gateway.requests, "the gateway was really called"
    for name, response in answers.items():
        assert_no_secret(response.text)
        for word in ("monitoring_", "apikey", "permission denied for"):
            assert word not in response.text, (name, response.text)
    assert answers["status"].status_code == 503
    assert answers["status"].json()["reason"] == "status history unavailable: permission denied"
    assert answers["health"].json()["checks"]["database"]["reason"] == "permission denied"


# -- preview deployments ---------------------------------------------------------------------


def test_preview_without_secrets_is_closed(dev_server, module_db: str) -> None:
    dev = dev_server({"DATABASE_URL": module_db, "VERCEL_ENV": "preview"})
    assert dev.get("/api/health/database").status_code == 403
    assert dev.get("/api/metrics?metric=leads").status_code == 403
    assert dev.get("/api/health/integrations").status_code == 403
    for job in ("health_check", "daily_metrics"):
        response = dev.get(f"/api/cron/{job}")
        assert response.status_code == 503
        assert response.json() == {
            "error": "CRON_SECRET is not configured; cron endpoints are closed"
        }
    with psycopg.connect(module_db) as conn:
        assert conn.execute("select count(*) from monitoring_cron_runs").fetchone() == (0,)
    assert "checks" not in dev.get("/api/health").json()  # public part still answers


# -- no values in configuration errors -------------------------------------------------------


def test_bad_setting_names_the_setting_only() -> None:
    value = "x" * 20 + SECRETS["STRIPE_SECRET_KEY"]
    dev = DevServer({"CRITICAL_SERVICES": f"database,{value}"})
    answers = [dev.get(path) for path in ("/api/status", "/api/badge", "/api/health")]
    authorized = dev.get("/api/status", headers=TOKEN)
    log = dev.close()
    for response in answers:
        assert response.status_code == 500
        assert response.json() == {"error": "configuration error; see the function log"}
    assert value[-12:] not in authorized.text
    assert "CRITICAL_SERVICES: unknown service name" in log
    assert value[-12:] not in log


def test_pydantic_input_value_is_redacted() -> None:
    """pydantic cuts a long input in its message, so the cut tail escaped whole-secret redaction."""
    secret = "eyJhbGciOiJIUzI1NiJ9." + "k" * 80 + SECRETS["SUPABASE_SERVICE_ROLE_KEY"]
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(int).validate_python(secret)
    text = str(caught.value)
    assert secret[-10:] in text  # what the function log showed
    cleaned = redact(text, [secret])
    assert secret[-10:] not in cleaned and secret[:10] not in cleaned
    assert "input_value=***" in cleaned


# -- Accept and echoed values ----------------------------------------------------------------


def test_accept_q0_refuses_health_json(vendor_server: DevServer) -> None:
    refused = vendor_server.get("/api/health", headers={"Accept": "application/health+json;q=0"})
    assert refused.headers["content-type"] == "application/json"
    wanted = vendor_server.get(
        "/api/health", headers={"Accept": "text/html, application/health+json;q=0.4"}
    )
    assert wanted.headers["content-type"] == "application/health+json"
    assert accept_quality("application/health+json ; Q=0.000", "application/health+json") == 0
    assert accept_quality("application/health+jsonx", "application/health+json") == 0
    assert accept_quality("*/*", "application/health+json") == 0


def test_long_value_is_not_reflected(vendor_server: DevServer) -> None:
    long = "A" * 60_000
    for path in (f"/api/badge?format={long}", f"/api/badge?{long}=1"):
        response = vendor_server.get(path)
        assert response.status_code == 400
        assert len(response.content) < 300
    metric = vendor_server.get(f"/api/metrics?metric={long}", headers=TOKEN)
    assert metric.status_code == 400 and len(metric.content) < 1500  # the known-metric list grows
