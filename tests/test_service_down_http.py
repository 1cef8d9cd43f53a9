"""service_down:<service>: a vendor outside CRITICAL_SERVICES down for 10 minutes is sent once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from tests.alerting import EMAIL_FROM, EMAIL_TO, only_rules
from tests.conftest import SECRETS, vendor_env
from tests.fakes.vendors import FakeOpenAI, FakeResend, FakeStripe
from tests.fakes.webhook import FakeWebhook
from tests.inprocess import serve_in_process

AUTH = {"Authorization": f"Bearer {SECRETS['CRON_SECRET']}"}
TOKEN = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}  # alert rules: token only
T = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_a_non_critical_vendor_down_ten_minutes_is_notified_once(
    migrated_db: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_openai: FakeOpenAI,
    fake_stripe: FakeStripe,
    fake_resend: FakeResend,
    fake_webhook: FakeWebhook,
) -> None:
    env = vendor_env(
        fake_openai,
        fake_stripe,
        fake_resend,
        migrated_db,
        CRITICAL_SERVICES="database",
        ALERT_EMAIL_TO=EMAIL_TO,
        ALERT_EMAIL_FROM=EMAIL_FROM,
        ALERT_WEBHOOK_URL=fake_webhook.hook_url,
        MONITOR_CONFIG=str(only_rules(tmp_path, "service_down", "service_unresponsive")),
    )
    states: list[str] = []
    with serve_in_process(env, monkeypatch) as server:
        fake_stripe.mode = "500"
        for minutes in (0, 5, 10, 15, 20, 25):
            if minutes == 25:
                fake_stripe.mode = "ok"
            with time_machine.travel(T + timedelta(minutes=minutes), tick=True):
                answer = server.get("/api/cron/health_check", headers=AUTH)
                assert answer.status_code == 200, answer.text
                alerts = answer.json()["alerts"]
                states.append(alerts["service_down:stripe"]["observed"])
                if minutes == 15:
                    status = server.get("/api/status", headers=TOKEN).json()
        assert "service_down:database" not in alerts, "a critical service has its own rule"
        assert alerts["service_down:openai"]["observed"] == "ok"
        with time_machine.travel(T + timedelta(minutes=40), tick=True):
            server.get("/api/cron/health_check", headers=AUTH)
    # 10.0 minutes is not more than 10: the first run past it fires, the next does not repeat.
    assert states == ["settling", "settling", "settling", "firing", "firing", "settling"]
    assert [e["subject"] for e in fake_resend.emails] == [
        "[WARNING] CarBot Firing: Service down (stripe)",
        "[WARNING] CarBot Resolved after 25 min: Service down (stripe)",
    ]
    assert [p["event"] for p in fake_webhook.payloads] == ["firing", "resolved"]
    assert "stripe down for 15.0 min" in fake_resend.emails[0]["text"]
    incident = next(i for i in status["alerts"] if i["rule"] == "service_down:stripe")
    assert (incident["title"], incident["severity"]) == ("Service down (stripe)", "warning")
