"""/api/health for anonymous callers over real HTTP: a recent evaluation is reused, a token
holder always gets a fresh one."""

from __future__ import annotations

from tests.conftest import SECRETS, vendor_env
from tests.fakes import FakeUpstream

TOKEN = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}


def vendor_calls(*fakes: FakeUpstream) -> int:
    return sum(len(fake.requests) for fake in fakes)


def test_anonymous_health_reuses_a_recent_evaluation(
    dev_server, migrated_db: str, fake_openai, fake_stripe, fake_resend
) -> None:
    dev = dev_server(vendor_env(fake_openai, fake_stripe, fake_resend, migrated_db))
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
