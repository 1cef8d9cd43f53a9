"""The e-mail domain probe (lib/probes/email_domain.py) over /api/health against a Resend fake
whose domain list carries another `object` string."""

from __future__ import annotations

from tests.conftest import SECRETS
from tests.fakes import FakeRequest, Reply
from tests.fakes.vendors import FakeOpenAI, FakeResend, FakeStripe


class PagedResend(FakeResend):
    """Resend's spec types the list's `object` as a string: a value other than "list"."""

    def _domains(self, request: FakeRequest) -> Reply:
        status, body = super()._domains(request)
        return status, {**body, "object": "domain_list"}


def test_resend_domain_list_with_another_object_string_is_fine(
    dev_server, fake_openai: FakeOpenAI, fake_stripe: FakeStripe
) -> None:
    resend = PagedResend()
    try:
        env = {
            "RESEND_API_KEY": SECRETS["RESEND_API_KEY"],
            "RESEND_API_URL": resend.url,
            "HEALTH_TOKEN": SECRETS["HEALTH_TOKEN"],
        }
        body = dev_server(env).get(
            "/api/health", headers={"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
        )
    finally:
        resend.close()
    assert body.json()["checks"]["email"]["status"] == "operational", body.text
