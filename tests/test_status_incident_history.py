"""/api/status alert history: resolved episodes of the last 90 days, for HEALTH_TOKEN only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.alerting import open_store, seed_episode
from tests.conftest import SECRETS, DevServer
from tests.status_history import seed_history


def test_resolved_alerts_for_the_token_only(migrated_db: str, dev_server: Any) -> None:
    now = datetime.now(UTC)
    seed_history(migrated_db, now, days=3, every_minutes=60)
    with open_store(migrated_db) as store:
        for rule, start, hours in (
            ("service_unresponsive:database", now - timedelta(days=20), 2),
            ("cron_late:daily_metrics", now - timedelta(days=5), 0.5),
            ("payment_failure_rate", now - timedelta(days=120), 1),  # older than 90 days
        ):
            end = start + timedelta(hours=hours)
            seed_episode(store, rule, start, end, severity="critical", message="secret figure 4711")
        seed_episode(store, "tls_expiry", now - timedelta(hours=1), announced=False)
    token = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
    server: DevServer = dev_server(
        {"DATABASE_URL": migrated_db, "HEALTH_TOKEN": SECRETS["HEALTH_TOKEN"]}
    )
    body = server.get("/api/status", headers=token).json()
    past = body["resolved_alerts"]
    assert [(p["rule"], p["duration_s"]) for p in past] == [
        ("cron_late:daily_metrics", 1800.0),
        ("service_unresponsive:database", 7200.0),
    ]
    assert past[1]["title"] == "Critical service unresponsive (database)"
    assert [a["rule"] for a in body["alerts"]] == ["tls_expiry"]  # still open
    public = server.get("/api/status")
    assert "4711" not in public.text and "4711" not in server.get("/api/status").text
    # Internal rules (crons, certificates) never reach the public answer (issue 26).
    assert "cron_late" not in public.text and "tls_expiry" not in public.text
    assert "resolved_alerts" not in public.json() and public.json()["incidents"] == []
