"""HTTP checks and flows (lib/checks/http_check.py, conditions.py, runner.py) against a fake
CarBot on 127.0.0.1 turned slow, wrong, down, redirected and certificate-expiring."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lib.checks import CheckOutcome
from lib.checks.runner import due, run_all
from lib.checks.store import CheckState
from lib.core.synthetic_config import CheckConfig
from tests.conftest import dead_url
from tests.fakes.carbot import LEAD, FakeCarBot, start_carbot
from tests.tls_server import LocalCA

SECRET = "pw-9c2e7d41b0a8f3e6"


@pytest.fixture(scope="module")
def carbot() -> Iterator[FakeCarBot]:
    fake = start_carbot()
    yield fake
    fake.close()


@pytest.fixture(autouse=True)
def _fresh(carbot: FakeCarBot, monkeypatch: pytest.MonkeyPatch) -> None:
    carbot.reset()
    monkeypatch.setenv("CARBOT_PROBE_PASSWORD", SECRET)


def check(**fields: Any) -> CheckConfig:
    return CheckConfig.model_validate({"name": "probe", "timeout": 2.0, **fields})


def run(*checks: CheckConfig, **kwargs: Any) -> dict[str, CheckOutcome]:
    return asyncio.run(run_all(list(checks), None, kwargs.pop("budget", 10.0), **kwargs))


def home(carbot: FakeCarBot, **conditions: Any) -> CheckConfig:
    return check(http={"url": carbot.url + "/", "conditions": conditions})


def test_a_healthy_page_passes_every_condition(carbot: FakeCarBot) -> None:
    outcome = run(
        home(
            carbot,
            status=[200],
            max_response_ms=2000,
            body_contains=["Willkommen"],
            body_not_contains=["Wartung"],
            headers={"x-carbot-version": "2.4"},
        )
    )["probe"]
    assert outcome.up and outcome.reason is None
    assert outcome.latency_ms is not None and outcome.latency_ms < 2000


@pytest.mark.parametrize(
    ("turn", "conditions", "reason"),
    [
        ("slow", {"max_response_ms": 100}, "response time"),
        ("wrong", {"body_contains": ["Willkommen"]}, "body does not contain 'Willkommen'"),
        ("wrong", {"body_not_contains": ["Wartung"]}, "body contains 'Wartung'"),
        ("wrong", {"headers": {"X-CarBot-Version": "2.4"}}, "header X-CarBot-Version is not '2.4'"),
        ("down", {}, "status 500 (expected 2xx)"),
    ],
)
def test_one_failing_condition_fails_the_check_and_names_it(
    carbot: FakeCarBot, turn: str, conditions: dict[str, Any], reason: str
) -> None:
    if turn == "slow":
        carbot.delay_s = 0.3
    elif turn == "wrong":
        carbot.wrong = True
    else:
        carbot.mode = "500"
    outcome = run(home(carbot, **conditions))["probe"]
    assert not outcome.up
    assert outcome.reason is not None and outcome.reason.startswith(reason)
    assert outcome.attempts == 2  # retried once before it counts as down


def test_json_path_conditions(carbot: FakeCarBot) -> None:
    api = {"url": carbot.url + "/api/health"}
    good = check(http={**api, "conditions": {"json_equals": {"$.status": "healthy"}}})
    assert run(good)["probe"].up
    carbot.wrong = True
    outcome = run(good)["probe"]
    assert outcome.reason == "JSON $.status is not 'healthy'"  # never the answer's own value
    missing = check(http={**api, "conditions": {"json_present": ["$.uptime"]}})
    assert run(missing)["probe"].reason == "JSON $.uptime is missing or empty"


def test_a_redirect_is_followed_only_when_asked(carbot: FakeCarBot) -> None:
    old = {"url": carbot.url + "/old"}
    assert run(check(http=old))["probe"].reason == "status 302 (expected 2xx)"
    followed = run(check(http={**old, "follow_redirects": True}))["probe"]
    assert followed.up, followed.reason


def test_down_means_refused_and_a_retry_that_succeeds_is_up(carbot: FakeCarBot) -> None:
    refused = run(check(http={"url": dead_url() + "/"}))["probe"]
    assert refused.reason == "connection refused" and refused.attempts == 2
    carbot.fail_next = 1  # one lost answer: the retry within the run succeeds
    flaky = run(home(carbot))["probe"]
    assert flaky.up and flaky.attempts == 2


def test_secrets_come_from_the_environment_and_never_reach_the_reason(
    carbot: FakeCarBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    login = {
        "url": carbot.url + "/api/login",
        "method": "POST",
        "body": '{"password": "${CARBOT_PROBE_PASSWORD}"}',
        "conditions": {"status": [201]},
    }
    outcome = run(check(http=login))["probe"]
    assert outcome.reason == "status 200 (expected 201)"
    assert carbot.requests[-1].body == {"password": SECRET}
    monkeypatch.setenv("CARBOT_TOKEN", "Bearer-secret-0f1e2d3c")
    bearer = check(http={"url": carbot.url + "/api/health", "secret_env": "CARBOT_TOKEN"})
    assert run(bearer)["probe"].up
    assert carbot.requests[-1].headers["authorization"] == "Bearer Bearer-secret-0f1e2d3c"
    monkeypatch.delenv("CARBOT_PROBE_PASSWORD")
    unset = run(check(http=login))["probe"]
    assert unset.reason == "environment variable CARBOT_PROBE_PASSWORD is not set"
    assert SECRET not in repr(outcome) + repr(unset)


FLOW = [
    {
        "name": "login",
        "method": "POST",
        "url": "{base}/api/login",
        "body": '{"password": "${CARBOT_PROBE_PASSWORD}"}',
        "extract": {"token": "$.token"},
    },
    {
        "name": "chat",
        "method": "POST",
        "url": "{base}/api/chat",
        "headers": {"Authorization": "Bearer {{token}}"},
        "body": '{"message": "Mein Auto macht Geräusche"}',
        "extract": {"lead": "$.lead.id", "lead_header": "header:X-Lead-Id"},
    },
    {
        "name": "lead",
        "url": "{base}/api/leads/{{lead}}",
        "headers": {"Authorization": "Bearer {{token}}"},
        "conditions": {"json_equals": {"$.lead.status": "new"}},
    },
]


def flow(carbot: FakeCarBot) -> CheckConfig:
    steps = [{**s, "url": s["url"].replace("{base}", carbot.url)} for s in FLOW]
    return check(name="chat-lead", flow=steps)


def test_a_three_step_flow_passes_values_along_and_times_each_step(carbot: FakeCarBot) -> None:
    outcome = run(flow(carbot))["chat-lead"]
    assert outcome.up, outcome.reason
    assert [s.name for s in outcome.steps] == ["login", "chat", "lead"]
    assert all(s.ok and s.latency_ms is not None for s in outcome.steps)
    assert carbot.requests[-1].path == f"/api/leads/{LEAD}"


@pytest.mark.parametrize(
    ("broken", "step", "reason"),
    [
        ("login", "login", "status 401 (expected 2xx)"),
        ("chat", "chat", "could not extract lead from $.lead.id"),
        ("chat-header", "chat", "could not extract lead_header from header:X-Lead-Id"),
        ("lead", "lead", "status 404 (expected 2xx)"),
    ],
)
def test_a_flow_fails_at_the_first_failing_step_and_says_which(
    carbot: FakeCarBot, broken: str, step: str, reason: str
) -> None:
    carbot.broken = {broken}
    outcome = run(flow(carbot))["chat-lead"]
    assert outcome.reason == f"step {step!r} failed: {reason}"
    assert [s.ok for s in outcome.steps][-1] is False
    assert outcome.steps[-1].name == step
    assert len(outcome.steps) == [s["name"] for s in FLOW].index(step) + 1


def test_checks_run_side_by_side_within_the_budget(carbot: FakeCarBot) -> None:
    carbot.delay_s = 0.3
    many = [home(carbot).model_copy(update={"name": f"page-{i}"}) for i in range(8)]
    started = datetime.now(UTC)
    outcomes = run(*many)
    assert all(o.up for o in outcomes.values())
    assert datetime.now(UTC) - started < timedelta(seconds=8 * 0.3)  # not one after another
    carbot.mode = "hang"
    late = run(home(carbot), budget=0.5)["probe"]
    assert late.reason == "no result within 0.5 s"


def test_a_check_runs_only_when_its_interval_has_passed() -> None:
    hourly = check(http={"url": "https://carbot.example/"}, interval=3600)
    now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert due(hourly, None, now)
    recent = CheckState(status="ok", checked_at=now - timedelta(minutes=30))
    assert not due(hourly, recent, now)
    assert due(hourly, recent.model_copy(update={"checked_at": now - timedelta(minutes=59)}), now)
    every_run = check(http={"url": "https://carbot.example/"}, interval=300)
    assert due(every_run, CheckState(status="ok", checked_at=now - timedelta(minutes=4.5)), now)


@pytest.fixture(scope="module")
def tls_carbots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str, str]]:
    ca = LocalCA(tmp_path_factory.mktemp("checks-ca"))
    now = datetime.now(UTC)
    expiring = start_carbot(ca.issue("expiring", now + timedelta(days=5)))
    fresh = start_carbot(ca.issue("fresh", now + timedelta(days=80)))
    yield ca, expiring.url, fresh.url
    expiring.close()
    fresh.close()


def test_certificate_days_left(tls_carbots: tuple[Any, str, str]) -> None:
    ca, expiring, fresh = tls_carbots
    conditions = {"min_certificate_days": 14}
    soon = check(name="soon", http={"url": expiring + "/", "conditions": conditions})
    later = check(name="later", http={"url": fresh + "/", "conditions": conditions})
    outcomes = run(soon, later, ssl_context=ca.client_context())
    assert outcomes["soon"].reason is not None
    assert outcomes["soon"].reason.startswith("certificate expires in ")
    assert outcomes["soon"].reason.endswith(" days (minimum 14)")
    assert outcomes["later"].up, outcomes["later"].reason
    untrusted = run(check(http={"url": fresh + "/"}))["probe"]
    assert not untrusted.up and untrusted.reason  # the system CAs do not know the test CA


def test_certificate_condition_on_plain_http(carbot: FakeCarBot) -> None:
    outcome = run(home(carbot, min_certificate_days=14))["probe"]
    assert outcome.reason == "no TLS certificate to check (not https?)"


def test_config_refuses_ambiguous_or_unsafe_checks(tmp_path: Path) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="exactly one of http, dns or flow"):
        CheckConfig.model_validate({"name": "x"})
    with pytest.raises(ValidationError, match="http:// or https://"):
        check(http={"url": "file:///etc/passwd"})
    with pytest.raises(ValidationError, match="1-40 of a-z"):
        check(name="Home Page", http={"url": "https://carbot.example/"})
