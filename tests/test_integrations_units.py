"""Units behind /api/health/integrations: SDK import isolation and URL redaction."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lib.probes.stripe_webhooks import public_url
from tests.conftest import ROOT

SDKS = ("stripe", "openai", "resend", "supabase", "realtime")


def imported_sdks(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sorted(set(sys.modules) & set({SDKS!r}))))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_health_loads_no_vendor_sdk() -> None:
    """/api/health's cold start stays free of every SDK."""
    assert imported_sdks("lib.endpoints.health") == set()


def test_integrations_loads_only_stripe() -> None:
    assert imported_sdks("lib.endpoints.integrations") == {"stripe"}


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://carbot.de/api/stripe/webhook", "https://carbot.de/api/stripe/webhook"),
        ("https://carbot.de/hook?token=abc&x=1", "https://carbot.de/hook"),
        ("https://user:pass@carbot.de:8443/hook#frag", "https://carbot.de:8443/hook"),
    ],
)
def test_public_url_drops_credentials(url: str, shown: str) -> None:
    assert public_url(url) == shown
