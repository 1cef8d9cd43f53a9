"""/api/health/integrations over real HTTP: dev server → local fakes, one fault matrix."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import SECRETS, DevServer, assert_no_secret, dead_url
from tests.fakes import FakeUpstream
from tests.fakes.realtime import FakeRealtime
from tests.fakes.vendors import FakeOpenAI, FakeResend, FakeStripe

PATH = "/api/health/integrations"
TOKEN = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
BUDGET_S = 1.5
# The budget of a second server for the cases that only wait for the deadline (hang, slow):
# a timeout is the same answer under 0.6 s as under 1.5 s, and healthy fakes answer in ~0.1 s.
SHORT_BUDGET_S = 0.6
TIMEOUT_CASES = ("slow", "hang")
# Wall time allowed beyond the budget: process scheduling and HTTP on a loaded 2-core machine.
SLACK_S = 0.5
INTEGRATIONS = ("openai", "stripe", "email", "realtime")
FAKE_OF = {
    "openai": "fake_openai",
    "stripe": "fake_stripe",
    "email": "fake_resend",
    "realtime": "fake_realtime",
}


@pytest.fixture(scope="module")
def fake_realtime() -> Iterator[FakeRealtime]:
    fake = FakeRealtime(SECRETS["SUPABASE_SERVICE_ROLE_KEY"])
    yield fake
    fake.close()


@pytest.fixture(autouse=True)
def _reset_realtime(fake_realtime: FakeRealtime) -> None:
    fake_realtime.reset()


def integrations_env(
    openai: str, stripe: str, resend: str, supabase: str, budget_s: float = BUDGET_S, **extra: str
) -> dict[str, str]:
    return {
        **{k: v for k, v in SECRETS.items() if k != "OPENAI_ADMIN_KEY"},
        "OPENAI_BASE_URL": openai,
        "OPENAI_MODEL": "gpt-4o-mini",
        "STRIPE_API_BASE": stripe,
        "RESEND_API_URL": resend,
        "RESEND_DOMAIN": "carbot.de",
        "SUPABASE_URL": supabase,
        "HEALTH_TIMEOUT_MS": str(int(budget_s * 1000)),
        **extra,
    }


def start_server(
    fakes: tuple[FakeOpenAI, FakeStripe, FakeResend, FakeRealtime], budget_s: float
) -> Iterator[DevServer]:
    openai, stripe, resend, realtime = fakes
    env = integrations_env(openai.base_url, stripe.url, resend.url, realtime.url, budget_s)
    started = DevServer(env)
    started.get(PATH, headers=TOKEN)  # load the function (and the Stripe SDK) once: a cold start
    yield started
    log = started.close()
    assert_no_secret(log)
    # SDK calls abandoned at a deadline (the hang cases) must end without noise in the log.
    assert "Traceback" not in log, log


@pytest.fixture(scope="module")
def server(
    fake_openai: FakeOpenAI,
    fake_stripe: FakeStripe,
    fake_resend: FakeResend,
    fake_realtime: FakeRealtime,
) -> Iterator[DevServer]:
    yield from start_server((fake_openai, fake_stripe, fake_resend, fake_realtime), BUDGET_S)


@pytest.fixture(scope="module")
def short_server(
    fake_openai: FakeOpenAI,
    fake_stripe: FakeStripe,
    fake_resend: FakeResend,
    fake_realtime: FakeRealtime,
) -> Iterator[DevServer]:
    """The same fakes under SHORT_BUDGET_S, for the cases that wait out the whole budget."""
    yield from start_server((fake_openai, fake_stripe, fake_resend, fake_realtime), SHORT_BUDGET_S)


def get_integrations(server: DevServer, **headers: str) -> tuple[float, httpx.Response]:
    started = time.monotonic()
    response = server.get(PATH, headers=headers or TOKEN)
    elapsed = time.monotonic() - started
    assert_no_secret(response.text)
    assert "Traceback" not in response.text
    return elapsed, response


def set_empty(name: str, fake: Any) -> None:
    if name == "openai":
        fake.models = []
    elif name == "stripe":
        fake.webhook_endpoints = []
    elif name == "email":
        fake.domains = {}
    else:
        fake.empty_body = True


def set_many_pages(name: str, fake: Any) -> None:
    if name == "openai":  # no pagination in OpenAI's model API: a long list, ours last
        fake.models = [f"ft:gpt-4o:carbot:{i}" for i in range(300)] + ["gpt-4o-mini"]
    elif name == "stripe":  # 250 enabled endpoints (3 pages) and 250 delivered events
        fake.webhook_endpoints = [(f"https://carbot.de/hook/{i}", "enabled") for i in range(250)]
        fake.add_events(250, failed=False)
    elif name == "email":  # carbot.de is the last of 250 domains (3 pages)
        fake.domains = {f"d{i}.example": "verified" for i in range(249)} | {"carbot.de": "verified"}


EMPTY = {
    "openai": ("down", "model gpt-4o-mini not available"),
    "stripe": ("degraded", "no webhook endpoints"),
    "email": ("degraded", "domain carbot.de not found"),
    "realtime": ("down", "malformed response"),
}
# (case, how to set the fake, expected word or None for per-integration EMPTY, reason)
CASES: list[tuple[str, Callable[[str, Any], None], str | None, str | None]] = [
    ("healthy", lambda name, fake: None, "operational", None),
    ("slow", lambda name, fake: setattr(fake, "mode", "slow"), "down", "timeout"),
    ("hang", lambda name, fake: setattr(fake, "mode", "hang"), "down", "timeout"),
    ("500", lambda name, fake: setattr(fake, "mode", "500"), "down", "server error 500"),
    ("401", lambda name, fake: setattr(fake, "mode", "401"), "down", "credentials rejected"),
    ("403", lambda name, fake: setattr(fake, "mode", "403"), "down", "credentials rejected"),
    ("429", lambda name, fake: setattr(fake, "mode", "429"), "degraded", "rate limited"),
    ("garbage", lambda name, fake: setattr(fake, "mode", "garbage"), "down", "malformed response"),
    ("empty", set_empty, None, None),
    ("many_pages", set_many_pages, "operational", None),
]


# Every integration × every case, except paging for Realtime: its ping has no list to page.
MATRIX = [
    pytest.param(name, *case, id=f"{case[0]}-{name}")
    for case in CASES
    for name in INTEGRATIONS
    if not (case[0] == "many_pages" and name == "realtime")
]


@pytest.mark.parametrize(("name", "case", "arrange", "word", "reason"), MATRIX)
def test_fault_matrix(
    server: DevServer,
    request: pytest.FixtureRequest,
    name: str,
    case: str,
    arrange: Callable[[str, Any], None],
    word: str | None,
    reason: str | None,
) -> None:
    budget_s = SHORT_BUDGET_S if case in TIMEOUT_CASES else BUDGET_S
    if case in TIMEOUT_CASES:
        server = request.getfixturevalue("short_server")
    fake: FakeUpstream = request.getfixturevalue(FAKE_OF[name])
    fake.slow_s = budget_s + 0.5  # answers, but only after the budget has run out
    arrange(name, fake)
    if word is None:
        word, reason = EMPTY[name]
    elapsed, response = get_integrations(server)
    body = response.json()
    assert response.status_code == 200, "no integration is critical by default"
    assert body["status"] == ("healthy" if word == "operational" else "degraded")
    entry = body["integrations"][name]
    assert (entry["status"], entry["reason"]) == (word, reason)
    assert isinstance(entry["latency_ms"], int)
    others = {
        k: v["status"] for k, v in body["integrations"].items() if k != name and k in INTEGRATIONS
    }
    assert set(others.values()) == {"operational"}, others
    assert elapsed < budget_s + SLACK_S


def test_healthy_body(server: DevServer, fake_stripe: FakeStripe, fake_realtime) -> None:
    _, response = get_integrations(server)
    body = response.json()
    assert set(body) == {"status", "timestamp", "integrations"}
    assert body["timestamp"].endswith("Z")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    integrations = body["integrations"]
    assert integrations["openai"] == {**integrations["openai"], "model": "gpt-4o-mini"}
    assert integrations["stripe"] == {
        **integrations["stripe"],
        "webhook_endpoints": [{"url": "https://carbot.de/api/stripe/webhook", "status": "enabled"}],
        "failed_webhook_deliveries": 0,
        "pending_webhooks": 0,
        "partial": False,
    }
    assert integrations["email"] == {
        **integrations["email"],
        "domain": "carbot.de",
        "domain_status": "verified",
    }
    assert set(integrations["realtime"]) == {"status", "latency_ms", "reason"}
    ping = fake_realtime.requests[-1]
    assert ping.path == "/realtime/v1/api/ping"
    assert ping.headers["apikey"] == SECRETS["SUPABASE_SERVICE_ROLE_KEY"]


def test_many_pages_were_all_read(server: DevServer, fake_stripe, fake_resend) -> None:
    set_many_pages("stripe", fake_stripe)
    set_many_pages("email", fake_resend)
    _, response = get_integrations(server)
    stripe = response.json()["integrations"]["stripe"]
    assert len(stripe["webhook_endpoints"]) == 250
    assert stripe["failed_webhook_deliveries"] == 0
    endpoint_pages = [r for r in fake_stripe.requests if r.path == "/v1/webhook_endpoints"]
    assert len(endpoint_pages) == 3
    domain_pages = [r.arg("after") for r in fake_resend.requests if r.path == "/domains"]
    assert len(domain_pages) == 3 and domain_pages[0] is None and None not in domain_pages[1:]


def test_one_disabled_of_three_endpoints(server: DevServer, fake_stripe: FakeStripe) -> None:
    fake_stripe.webhook_endpoints = [
        ("https://carbot.de/api/stripe/webhook", "enabled"),
        ("https://crm.carbot.de/stripe?token=hook-query-token-1234", "disabled"),
        ("https://hooks.example.org/carbot", "enabled"),
    ]
    _, response = get_integrations(server)
    body = response.json()
    stripe = body["integrations"]["stripe"]
    assert body["status"] == "degraded"
    assert (stripe["status"], stripe["reason"]) == (
        "degraded",
        "1 of 3 webhook endpoints disabled",
    )
    assert stripe["webhook_endpoints"] == [
        {"url": "https://carbot.de/api/stripe/webhook", "status": "enabled"},
        {"url": "https://crm.carbot.de/stripe", "status": "disabled"},
        {"url": "https://hooks.example.org/carbot", "status": "enabled"},
    ]
    assert "hook-query-token" not in response.text


def test_250_failed_events_over_3_pages(server: DevServer, fake_stripe: FakeStripe) -> None:
    fake_stripe.add_events(250, failed=True, pending_webhooks=2)
    fake_stripe.add_events(40, failed=False, pending_webhooks=1)
    fake_stripe.add_events(7, failed=True, pending_webhooks=3, age_s=25 * 3600)  # too old
    asked_at = time.time()
    _, response = get_integrations(server)
    stripe = response.json()["integrations"]["stripe"]
    assert (stripe["status"], stripe["reason"]) == (
        "degraded",
        "250 webhook events not yet delivered in 24 h",
    )
    assert stripe["failed_webhook_deliveries"] == 250
    assert stripe["pending_webhooks"] == 500
    assert stripe["partial"] is False
    pages = [r for r in fake_stripe.requests if r.path == "/v1/events"]
    assert len(pages) == 3
    assert {r.arg("delivery_success") for r in pages} == {"false"}
    since = int(pages[0].arg("created[gte]") or 0)
    assert abs(asked_at - 24 * 3600 - since) < 5
    assert [r.arg("starting_after") for r in pages[1:]] == ["evt_fake00000099", "evt_fake00000199"]


def test_slow_event_pages_give_a_partial_count(server: DevServer, fake_stripe: FakeStripe) -> None:
    fake_stripe.add_events(250, failed=True, pending_webhooks=1)
    fake_stripe.events_delay_s = 0.6  # pages at 0.6 s and 1.2 s fit the 1.5 s budget, a third not
    elapsed, response = get_integrations(server)
    stripe = response.json()["integrations"]["stripe"]
    assert stripe["partial"] is True
    assert stripe["failed_webhook_deliveries"] == 200
    assert stripe["pending_webhooks"] == 200
    assert (stripe["status"], stripe["reason"]) == (
        "degraded",
        "at least 200 webhook events not yet delivered in 24 h",
    )
    assert len(stripe["webhook_endpoints"]) == 1
    assert elapsed < BUDGET_S + SLACK_S


def test_no_event_page_in_time(short_server: DevServer, fake_stripe: FakeStripe) -> None:
    fake_stripe.events_delay_s = SHORT_BUDGET_S + 0.5
    elapsed, response = get_integrations(short_server)
    stripe = response.json()["integrations"]["stripe"]
    assert (stripe["status"], stripe["reason"]) == (
        "degraded",
        "failed deliveries not counted in time",
    )
    assert stripe["failed_webhook_deliveries"] is None and stripe["partial"] is True
    assert elapsed < SHORT_BUDGET_S + SLACK_S


@pytest.mark.parametrize("status", ["pending", "failed", "not_started"])
def test_domain_not_verified(server: DevServer, fake_resend: FakeResend, status: str) -> None:
    fake_resend.domains = {"mail.example.org": "verified", "carbot.de": status}
    _, response = get_integrations(server)
    email = response.json()["integrations"]["email"]
    assert (email["status"], email["reason"]) == ("degraded", f"domain carbot.de is {status}")
    assert email["domain_status"] == status


def test_domain_not_found(server: DevServer, fake_resend: FakeResend) -> None:
    fake_resend.domains = {"mail.example.org": "verified"}
    _, response = get_integrations(server)
    email = response.json()["integrations"]["email"]
    assert (email["status"], email["reason"]) == ("degraded", "domain carbot.de not found")
    assert (email["domain"], email["domain_status"]) == ("carbot.de", "not_found")


def test_realtime_tenant_unknown(server: DevServer, fake_realtime: FakeRealtime) -> None:
    fake_realtime.tenant_known = False
    _, response = get_integrations(server)
    realtime = response.json()["integrations"]["realtime"]
    assert (realtime["status"], realtime["reason"]) == ("down", "realtime tenant not found")


def test_everything_hanging_answers_within_budget(
    short_server: DevServer, fake_openai, fake_stripe, fake_resend, fake_realtime
) -> None:
    for fake in (fake_openai, fake_stripe, fake_resend, fake_realtime):
        fake.mode = "hang"
    elapsed, response = get_integrations(short_server)
    body = response.json()
    assert {v["status"] for v in (body["integrations"][k] for k in INTEGRATIONS)} == {"down"}
    assert {v["reason"] for v in (body["integrations"][k] for k in INTEGRATIONS)} == {"timeout"}
    assert elapsed < SHORT_BUDGET_S + SLACK_S


def test_token_required(server: DevServer) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}):
        response = server.get(PATH, headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json() == {"error": "a valid bearer token is required"}
        assert_no_secret(response.text)


def test_head_and_methods(server: DevServer) -> None:
    head = server.request("HEAD", PATH, headers=TOKEN)
    assert head.status_code == 200 and head.content == b""
    response = server.request("POST", PATH, headers=TOKEN)
    assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD"


def test_connection_refused_everywhere(dev_server) -> None:
    server = dev_server(integrations_env(dead_url() + "/v1", dead_url(), dead_url(), dead_url()))
    elapsed, response = get_integrations(server)
    body = response.json()
    for name in INTEGRATIONS:
        entry = body["integrations"][name]
        assert (entry["status"], entry["reason"]) == ("down", "connection refused"), name
    assert body["status"] == "degraded"
    assert elapsed < BUDGET_S + SLACK_S


def test_stripe_no_retry_on_a_short_budget(server: DevServer, fake_stripe: FakeStripe) -> None:
    fake_stripe.mode = "500"
    get_integrations(server)
    assert len([r for r in fake_stripe.requests if r.path == "/v1/webhook_endpoints"]) == 1


def test_stripe_retries_once_when_the_budget_allows(dev_server, fake_stripe: FakeStripe) -> None:
    """2.5 s leaves room for the SDK's 0.5 s back-off and a second answer; 1.5 s does not."""
    fake_stripe.mode = "500"
    env = {
        "STRIPE_SECRET_KEY": SECRETS["STRIPE_SECRET_KEY"],
        "STRIPE_API_BASE": fake_stripe.url,
        "HEALTH_TIMEOUT_MS": "2500",
    }
    elapsed, response = get_integrations(dev_server(env))
    stripe = response.json()["integrations"]["stripe"]
    assert (stripe["status"], stripe["reason"]) == ("down", "server error 500")
    assert len([r for r in fake_stripe.requests if r.path == "/v1/webhook_endpoints"]) == 2
    assert elapsed < 2.5 + SLACK_S


def test_critical_integration_down_is_unhealthy(dev_server, fake_stripe: FakeStripe) -> None:
    fake_stripe.mode = "500"
    server = dev_server(
        {
            "HEALTH_TOKEN": SECRETS["HEALTH_TOKEN"],
            "STRIPE_SECRET_KEY": SECRETS["STRIPE_SECRET_KEY"],
            "STRIPE_API_BASE": fake_stripe.url,
            "CRITICAL_SERVICES": "database,stripe",
            "HEALTH_TIMEOUT_MS": str(int(BUDGET_S * 1000)),
        }
    )
    _, response = get_integrations(server)
    body = response.json()
    assert response.status_code == 503 and body["status"] == "unhealthy"
    # Unset credentials are reported, never an error, never degrade, and name what to set.
    needs = {
        "openai": "set OPENAI_API_KEY and OPENAI_MODEL",
        "email": "set RESEND_API_KEY and RESEND_DOMAIN",
        "realtime": "set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY",
        "supabase": "set SUPABASE_ACCESS_TOKEN (and SUPABASE_PROJECT_REF unless SUPABASE_URL is "
        "*.supabase.co)",
    }
    for name, reason in needs.items():
        assert body["integrations"][name] == {
            **body["integrations"][name],
            "status": "not_configured",
            "latency_ms": None,
            "reason": reason,
        }


def test_production_without_token_is_closed(dev_server) -> None:
    server = dev_server({"VERCEL_ENV": "production"})
    response = server.get(PATH)
    assert response.status_code == 403
    assert "HEALTH_TOKEN" in response.json()["error"]
