"""lib/core/config.py: which settings count as secrets (kept out of every body and log)."""

from __future__ import annotations

from tests.alerting import settings_for


def test_heartbeat_url_is_a_secret() -> None:
    settings = settings_for(
        "postgresql://x@127.0.0.1/db", heartbeat_url="https://hc-ping.com/5bf66975-d4c7"
    )
    assert "/5bf66975-d4c7" in settings.secret_values()
