"""Issue 17 findings 1-3 and 5-8 over real HTTP: dev server, local fakes, real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from pydantic import TypeAdapter, ValidationError

from lib.core.http import accept_quality, redact
from tests.conftest import (
    ROOT,
    SECRETS,
    SERVICE_KEY,
    DevServer,
    _clone,
    assert_no_secret,
    vendor_env,
)
from tests.fakes import FakeRequest, FakeUpstream, Reply
from tests.fakes.vendors import FakeOpenAI, FakeResend, FakeStripe

TOKEN = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
CRON = {"Authorization": f"Bearer {SECRETS['CRON_SECRET']}"}


def routes() -> list[str]:
    """Every function of api/, as its URL path: a new endpoint is covered without editing this."""
    return sorted(
        "/" + str(path.relative_to(ROOT).with_suffix("")) for path in (ROOT / "api").rglob("*.py")
    )


@pytest.fixture(scope="module")
def database(pg, monitor_template: str) -> Iterator[str]:
    for name in _clone(pg, monitor_template):
        yield pg.url_for(name)


@pytest.fixture(scope="module")
def server(
    database: str, fake_openai: FakeOpenAI, fake_stripe: FakeStripe, fake_resend: FakeResend
) -> Iterator[DevServer]:
    dev = DevServer(vendor_env(fake_openai, fake_stripe, fake_resend, database))
    yield dev
    assert_no_secret(dev.close())


def vendor_calls(*fakes: FakeUpstream) -> int:
    return sum(len(fake.requests) for fake in fakes)


# -- finding 1: unknown parameters, anonymous /api/health -------------------------------------


@pytest.mark.parametrize("route", routes())
def test_unknown_parameter_is_a_400_before_any_work(
    server: DevServer, route: str, fake_openai, fake_stripe, fake_resend, database: str
) -> None:
    headers = CRON if route.startswith("/api/cron/") else TOKEN
    for anyone in ({}, headers):
        response = server.get(f"{route}?x=1", headers=anyone)
        if response.status_code == 405:  # a POST-only function (webhook receivers)
            method = response.headers["allow"].split(",")[0].strip()
            response = server.request(method, f"{route}?x=1", headers=anyone)
        assert response.status_code == 400, (route, response.text)
        assert response.json()["error"].startswith("unknown parameter 'x'; accepted:")
    assert vendor_calls(fake_openai, fake_stripe, fake_resend) == 0
    with psycopg.connect(database) as conn:
        assert conn.execute("select count(*) from monitoring_cron_runs").fetchone() == (0,)


def test_known_parameters_still_work(server: DevServer) -> None:
    assert server.get("/api/badge?metric=uptime&window=7d").status_code == 200
    assert server.get("/api/metrics?metric=leads&days=3", headers=TOKEN).status_code == 200


def test_anonymous_health_reuses_a_recent_evaluation(
    dev_server, database: str, fake_openai, fake_stripe, fake_resend
) -> None:
    dev = dev_server(vendor_env(fake_openai, fake_stripe, fake_resend, database))
    fakes = (fake_openai, fake_stripe, fake_resend)
    for _ in range(5):
        assert dev.get("/api/health").json()["status"] == "healthy"
    assert vendor_calls(*fakes) == 3, "five anonymous calls cost one evaluation"
    assert "checks" in dev.get("/api/health", headers=TOKEN).json()
    assert vendor_calls(*fakes) == 6, "a token holder always gets a fresh evaluation"
    fake_stripe.mode = "500"
    assert dev.get("/api/health").json()["services"]["stripe"] == "operational"  # reused
    assert vendor_calls(*fakes) == 6
    assert dev.get("/api/health", headers=TOKEN).json()["services"]["stripe"] == "down"


# -- finding 2: no upstream text in any body --------------------------------------------------


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


# -- finding 3: preview deployments --------------------------------------------------------------


def test_preview_without_secrets_is_closed(dev_server, database: str) -> None:
    dev = dev_server({"DATABASE_URL": database, "VERCEL_ENV": "preview"})
    assert dev.get("/api/health/database").status_code == 403
    assert dev.get("/api/metrics?metric=leads").status_code == 403
    assert dev.get("/api/health/integrations").status_code == 403
    for job in ("health_check", "daily_metrics"):
        response = dev.get(f"/api/cron/{job}")
        assert response.status_code == 503
        assert response.json() == {
            "error": "CRON_SECRET is not configured; cron endpoints are closed"
        }
    with psycopg.connect(database) as conn:
        assert conn.execute("select count(*) from monitoring_cron_runs").fetchone() == (0,)
    assert "checks" not in dev.get("/api/health").json()  # public part still answers


# -- finding 5: abandoned cron runs ------------------------------------------------------------


def test_next_cron_start_marks_a_stuck_run_abandoned(server: DevServer, database: str) -> None:
    with psycopg.connect(database, autocommit=True) as conn:
        (stuck,) = conn.execute(
            "insert into monitoring_cron_runs (job, started_at) "
            "values ('health_check', now() - interval '61 seconds') returning id"
        ).fetchone()
    assert server.get("/api/cron/health_check", headers=CRON).status_code == 200
    with psycopg.connect(database) as conn:
        outcome = conn.execute(
            "select outcome from monitoring_cron_runs where id = %s", (stuck,)
        ).fetchone()
    assert outcome == ("abandoned",)


# -- finding 6: ?day= bounds ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "error"),
    [
        ("0001-01-01", "day 0001-01-01 is too old; the oldest day accepted is "),
        ("0015-02-01", "day 0015-02-01 is too old; the oldest day accepted is "),
        ("", "day is empty; give a date as YYYY-MM-DD or leave day out"),
    ],
)
def test_day_out_of_bounds_is_a_400(
    server: DevServer, day: str, error: str, fake_openai, fake_stripe, fake_resend, database: str
) -> None:
    response = server.get(f"/api/cron/daily_metrics?day={day}", headers=CRON)
    assert response.status_code == 400
    assert response.json()["error"].startswith(error)
    assert vendor_calls(fake_openai, fake_stripe, fake_resend) == 0
    with psycopg.connect(database) as conn:
        assert conn.execute("select count(*) from monitoring_daily_metrics").fetchone() == (0,)


# -- finding 7: no values in configuration errors ---------------------------------------------


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


# -- finding 8: Accept and echoed values ------------------------------------------------------


def test_accept_q0_refuses_health_json(server: DevServer) -> None:
    refused = server.get("/api/health", headers={"Accept": "application/health+json;q=0"})
    assert refused.headers["content-type"] == "application/json"
    wanted = server.get(
        "/api/health", headers={"Accept": "text/html, application/health+json;q=0.4"}
    )
    assert wanted.headers["content-type"] == "application/health+json"
    assert accept_quality("application/health+json ; Q=0.000", "application/health+json") == 0
    assert accept_quality("application/health+jsonx", "application/health+json") == 0
    assert accept_quality("*/*", "application/health+json") == 0


def test_long_value_is_not_reflected(server: DevServer) -> None:
    long = "A" * 60_000
    for path in (f"/api/badge?format={long}", f"/api/badge?{long}=1"):
        response = server.get(path)
        assert response.status_code == 400
        assert len(response.content) < 300
    metric = server.get(f"/api/metrics?metric={long}", headers=TOKEN)
    assert metric.status_code == 400 and len(metric.content) < 1500  # the known-metric list grows
