"""/api/health over real HTTP: dev server → local fake vendors and a real PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from tests.conftest import DB_PASSWORD, SECRETS, DevServer, assert_no_secret, dead_url, vendor_env
from tests.fakes import FakeUpstream
from tests.fakes.vendors import FakeOpenAI, FakeResend, FakeStripe

TOKEN = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
BUDGET_S = 2.0
# The budget of a second server for the hang cases, which only wait for the deadline: a timeout
# is the same answer under 0.8 s as under 2 s (the database and healthy fakes take ~0.1 s).
# "slow" stays on the 2 s server: the probes' slow line (SLOW_MS) is a fixed 1 s.
SHORT_BUDGET_S = 0.8
# Wall time allowed beyond the budget: process scheduling and HTTP on a loaded 2-core machine.
SLACK_S = 0.5


def start_server(
    pg, fakes: tuple[FakeOpenAI, FakeStripe, FakeResend], budget_s: float
) -> Iterator[DevServer]:
    env = vendor_env(
        *fakes,
        f"postgresql://postgres:{DB_PASSWORD}@127.0.0.1:{pg.port}/postgres",
        HEALTH_TIMEOUT_MS=str(int(budget_s * 1000)),
        CRITICAL_SERVICES="database",
        HEALTH_ANONYMOUS_REUSE_MS="0",  # each test flips fakes and expects a fresh evaluation
    )
    started = DevServer(env)
    yield started
    assert_no_secret(started.close())


@pytest.fixture(scope="module")
def server(
    pg, fake_openai: FakeOpenAI, fake_stripe: FakeStripe, fake_resend: FakeResend
) -> Iterator[DevServer]:
    yield from start_server(pg, (fake_openai, fake_stripe, fake_resend), BUDGET_S)


@pytest.fixture(scope="module")
def short_server(
    pg, fake_openai: FakeOpenAI, fake_stripe: FakeStripe, fake_resend: FakeResend
) -> Iterator[DevServer]:
    """The same database and fakes under SHORT_BUDGET_S, for the cases that wait it out; warmed
    with one request, so the timed ones do not pay the function's cold start."""
    for started in start_server(pg, (fake_openai, fake_stripe, fake_resend), SHORT_BUDGET_S):
        started.get("/api/health", headers=TOKEN)
        yield started


def get_health(server: DevServer, **headers: str) -> tuple[float, object]:
    started = time.monotonic()
    response = server.get("/api/health", headers=headers)
    elapsed = time.monotonic() - started
    assert_no_secret(response.text)
    return elapsed, response


def test_all_healthy(server: DevServer, fake_openai, fake_stripe, fake_resend) -> None:
    _, response = get_health(server)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert body["services"] == {
        "database": "connected",
        "openai": "operational",
        "stripe": "operational",
        "email": "operational",
    }
    assert set(body) == {"status", "timestamp", "version", "environment", "services"}
    assert body["timestamp"].endswith("Z") and len(body["timestamp"]) == 24
    assert body["environment"] == "development"
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "public, s-maxage=30, stale-while-revalidate=60"
    # The probes really reached the vendors, with the configured keys.
    assert fake_openai.requests[-1].path == "/v1/models/gpt-4o-mini"
    assert (
        fake_openai.requests[-1].headers["authorization"] == f"Bearer {SECRETS['OPENAI_API_KEY']}"
    )
    assert fake_stripe.requests[-1].path == "/v1/balance"
    assert fake_resend.requests[-1].path == "/domains"


def test_checks_only_with_token(server: DevServer) -> None:
    _, anonymous = get_health(server)
    assert "checks" not in anonymous.json()
    _, wrong = get_health(server, Authorization="Bearer not-the-token")
    assert "checks" not in wrong.json()
    _, authorized = get_health(server, **TOKEN)
    checks = authorized.json()["checks"]
    assert set(checks) == {"database", "openai", "stripe", "email"}
    assert checks["database"]["status"] == "connected"
    assert all(set(c) == {"status", "latency_ms", "reason"} for c in checks.values())
    assert all(isinstance(c["latency_ms"], int) for c in checks.values())
    assert authorized.headers["cache-control"] == "private, no-store"


# (fault mode, expected service word, expected reason)
FAULTS = [
    ("slow", "degraded", "slow response"),
    ("hang", "down", "timeout"),
    ("500", "down", "server error 500"),
    ("401", "down", "credentials rejected"),
    ("403", "down", "credentials rejected"),
    ("429", "degraded", "rate limited"),
    ("garbage", "down", "malformed response"),
]
SERVICE_OF = {"openai": "fake_openai", "stripe": "fake_stripe", "email": "fake_resend"}


@pytest.mark.parametrize("service", ["openai", "stripe", "email"])
@pytest.mark.parametrize(("mode", "word", "reason"), FAULTS)
def test_vendor_fault(
    server: DevServer,
    request: pytest.FixtureRequest,
    service: str,
    mode: str,
    word: str,
    reason: str,
) -> None:
    budget_s = SHORT_BUDGET_S if mode == "hang" else BUDGET_S
    if mode == "hang":
        server = request.getfixturevalue("short_server")
    fake: FakeUpstream = request.getfixturevalue(SERVICE_OF[service])
    fake.mode = mode
    fake.slow_s = 1.05  # answers, but past the 1 s "slow" line (SLOW_MS) and well inside 2 s
    elapsed, response = get_health(server, **TOKEN)
    body = response.json()
    assert response.status_code == 200, "a vendor is not critical by default"
    assert body["status"] == "degraded"
    assert body["services"][service] == word
    assert body["checks"][service]["reason"] == reason
    others = {k: v for k, v in body["services"].items() if k not in (service, "database")}
    assert set(others.values()) == {"operational"}
    assert elapsed < budget_s + SLACK_S


def test_model_missing_is_down(server: DevServer, fake_openai: FakeOpenAI) -> None:
    fake_openai.models = ["gpt-4o"]
    try:
        _, response = get_health(server, **TOKEN)
    finally:
        fake_openai.models = ["gpt-4o-mini", "gpt-4o"]
    assert response.json()["services"]["openai"] == "down"
    assert response.json()["checks"]["openai"]["reason"] == "model gpt-4o-mini not available"


def test_all_hanging_answers_within_budget(
    short_server: DevServer, fake_openai, fake_stripe, fake_resend
) -> None:
    for fake in (fake_openai, fake_stripe, fake_resend):
        fake.mode = "hang"
    elapsed, response = get_health(short_server, **TOKEN)
    assert elapsed < SHORT_BUDGET_S + SLACK_S
    assert set(response.json()["services"].values()) == {"down", "connected"}


def test_refused_connections_and_database_down(dev_server) -> None:
    """Every vendor and the database at addresses where nothing listens."""
    env = {
        **SECRETS,
        "DATABASE_URL": f"postgresql://postgres:{DB_PASSWORD}@{dead_url().removeprefix('http://')}/x",
        "OPENAI_BASE_URL": dead_url() + "/v1",
        "STRIPE_API_BASE": dead_url(),
        "RESEND_API_URL": dead_url(),
        "HEALTH_TIMEOUT_MS": "2000",
    }
    server = dev_server(env)
    elapsed, response = get_health(server, **TOKEN)
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unhealthy"
    assert body["services"] == {
        "database": "disconnected",
        "openai": "down",
        "stripe": "down",
        "email": "down",
    }
    for service in ("openai", "stripe", "email"):
        assert body["checks"][service]["reason"] == "connection refused"
    assert body["checks"]["database"]["reason"] == "connection refused"
    assert elapsed < 2.0 + SLACK_S


def test_database_down_alone_is_unhealthy(
    dev_server, fake_openai, fake_stripe, fake_resend
) -> None:
    dead_db = f"postgresql://postgres:{DB_PASSWORD}@{dead_url().removeprefix('http://')}/x"
    server = dev_server(vendor_env(fake_openai, fake_stripe, fake_resend, dead_db))
    _, response = get_health(server)
    assert response.status_code == 503
    assert response.json()["status"] == "unhealthy"
    assert response.json()["services"]["database"] == "disconnected"


def test_critical_vendor_makes_unhealthy(dev_server, fake_stripe) -> None:
    fake_stripe.mode = "500"
    server = dev_server(
        {**SECRETS, "STRIPE_API_BASE": fake_stripe.url, "CRITICAL_SERVICES": "database,stripe"}
    )
    _, response = get_health(server)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    # Unset credentials are reported, never an error, and never degrade.
    assert body["services"]["database"] == "not_configured"
    assert list(body["services"]) == ["database", "openai", "stripe", "email"], (
        "the documented order"
    )


def test_nothing_configured_is_healthy(dev_server) -> None:
    server = dev_server({})
    _, response = get_health(server)
    assert response.status_code == 200
    assert response.json()["status"] == "healthy"
    assert set(response.json()["services"].values()) == {"not_configured"}


def test_health_json_draft_format(server: DevServer) -> None:
    _, response = get_health(server, Accept="application/health+json")
    assert response.headers["content-type"] == "application/health+json"
    body = response.json()
    assert body["status"] == "pass"
    assert body["releaseId"] == "0.1.0" and body["version"] == "0"
    assert set(body["checks"]) == {
        f"{s}:responseTime" for s in ("database", "openai", "stripe", "email")
    }
    entry = body["checks"]["database:responseTime"][0]
    assert entry["componentType"] == "datastore"
    assert entry["observedUnit"] == "ms" and isinstance(entry["observedValue"], int)
    assert entry["status"] == "pass" and entry["time"].endswith("Z")
    assert "output" not in entry


def test_health_json_draft_fail(server: DevServer, fake_stripe: FakeStripe) -> None:
    fake_stripe.mode = "500"
    _, response = get_health(server, Accept="application/health+json", **TOKEN)
    body = response.json()
    assert body["status"] == "warn"
    assert body["checks"]["stripe:responseTime"][0]["status"] == "fail"
    assert body["checks"]["stripe:responseTime"][0]["output"] == "server error 500"


def test_head_and_methods(server: DevServer) -> None:
    head = server.request("HEAD", "/api/health")
    assert head.status_code == 200 and head.content == b""
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = server.request(method, "/api/health")
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, HEAD"
        assert response.json() == {"error": f"method {method} not allowed"}


def test_bad_configuration_is_a_clear_500() -> None:
    server = DevServer(
        {"HEALTH_TIMEOUT_MS": "soon", "STRIPE_SECRET_KEY": SECRETS["STRIPE_SECRET_KEY"]}
    )
    response = server.get("/api/health")
    log = server.close()
    assert response.status_code == 500
    # Public: only "configuration error"; the function log names the setting (never its value).
    assert response.json() == {"error": "configuration error; see the function log"}
    assert "invalid configuration: HEALTH_TIMEOUT_MS" in log
    assert "soon" not in log
    assert_no_secret(log)
