"""/api/cron/health_check end to end: dev server, real probes against fakes, real PostgreSQL."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.alerting import EMAIL_FROM, EMAIL_TO, open_store, seed_checks
from tests.conftest import SECRETS, DevServer, assert_no_secret, vendor_env
from tests.fakes.vendors import FakeOpenAI, FakeResend, FakeStripe
from tests.fakes.webhook import FakeWebhook

AUTH = {"Authorization": f"Bearer {SECRETS['CRON_SECRET']}"}


def test_cron_records_alerts_once_and_notifies(
    migrated_db: str,
    dev_server: Callable[[dict[str, str]], DevServer],
    fake_openai: FakeOpenAI,
    fake_stripe: FakeStripe,
    fake_resend: FakeResend,
    fake_webhook: FakeWebhook,
) -> None:
    server = dev_server(
        vendor_env(
            fake_openai,
            fake_stripe,
            fake_resend,
            migrated_db,
            HEALTH_TIMEOUT_MS="2000",
            CRITICAL_SERVICES="database,openai",
            ALERT_EMAIL_TO=EMAIL_TO,
            ALERT_EMAIL_FROM=EMAIL_FROM,
            ALERT_WEBHOOK_URL=fake_webhook.hook_url,
            VERCEL_ENV="production",
        )
    )
    assert server.get("/api/cron/health_check").status_code == 401
    wrong = {"Authorization": "Bearer " + SECRETS["CRON_SECRET"] + "x"}
    assert server.get("/api/cron/health_check", headers=wrong).status_code == 401
    assert server.request("POST", "/api/cron/health_check", headers=AUTH).status_code == 405

    # OpenAI has been failing for 3 minutes and still fails: two overlapping cron deliveries.
    with open_store(migrated_db) as store:
        seed_checks(store, "openai", [(datetime.now(UTC) - timedelta(minutes=3), "down")])
    fake_openai.mode = "500"
    answers: list[httpx.Response] = []
    threads = [
        threading.Thread(
            target=lambda: answers.append(server.get("/api/cron/health_check", headers=AUTH))
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [a.status_code for a in answers] == [200, 200]
    for answer in answers:
        assert_no_secret(answer.text)
    summary: dict[str, Any] = answers[0].json()
    assert summary["job"] == "health_check"
    assert summary["checked"] == {
        "database": "ok",
        "openai": "down",
        "stripe": "ok",
        "email": "ok",
    }
    assert summary["recorded"] == 4
    assert summary["maintenance"] == {"active": False, "reason": None, "ends_at": None}
    assert len(fake_resend.emails) == 1, "two overlapping runs, one e-mail"
    assert len(fake_webhook.payloads) == 1
    email, payload = fake_resend.emails[0], fake_webhook.payloads[0]
    assert email["subject"] == "[CRITICAL] CarBot Firing: Critical service unresponsive (openai)"
    assert "openai down for 3." in email["text"] and payload["rule"] == (
        "service_unresponsive:openai"
    )
    for text in (json.dumps(email), json.dumps(payload)):
        assert_no_secret(text)
    # The closing note's sample: run `pytest -s -k records_alerts` to see them.
    print("\n--- alert e-mail (Resend POST /emails body) ---\n" + json.dumps(email, indent=2))
    print("--- text part ---\n" + email["text"])
    print("--- webhook payload ---\n" + json.dumps(payload, indent=2))

    with open_store(migrated_db) as store:
        assert len(store.checks_since("openai", datetime.now(UTC) - timedelta(hours=1))) == 3
        runs = store.cron_status()["health_check"]
        assert runs.last_outcome == "success"
    # Recovered: one resolve notification after a clean 2-minute window (seeded back in time).
    fake_openai.mode = "ok"
    with open_store(migrated_db) as store:
        seed_checks(store, "openai", [(datetime.now(UTC) - timedelta(seconds=1), "ok")])
    with open_store(migrated_db) as store, store.transport._connection() as conn:  # type: ignore[attr-defined]
        conn.execute(
            "update monitoring_health_checks set checked_at = checked_at - interval '3 minutes'"
        )
    assert server.get("/api/cron/health_check", headers=AUTH).status_code == 200
    assert [p["event"] for p in fake_webhook.payloads] == ["firing", "resolved"]


def test_bad_monitoring_toml_keeps_monitoring_with_the_defaults(
    migrated_db: str, dev_server: Callable[[dict[str, str]], DevServer], tmp_path: Any
) -> None:
    config = tmp_path / "monitoring.toml"
    config.write_text("[alerts.payment_failure_rate]\nthreshold = 500\n")
    env = {"DATABASE_URL": migrated_db, "MONITOR_CONFIG": str(config)}
    server = dev_server({**env, "CRON_SECRET": SECRETS["CRON_SECRET"]})
    answer = server.get("/api/cron/health_check", headers=AUTH)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["recorded"] == 1, "the database check is still recorded"
    assert body["config_problem"] == (
        "monitoring.toml line 2: alerts.payment_failure_rate.threshold: must be between 0 and 100 %"
    )
    assert body["alerts"]["config_invalid"]["state"] == "firing"
    assert "500" not in body["alerts"]["config_invalid"]["message"], "never the value"
