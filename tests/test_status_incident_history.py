"""Alert episodes in /api/status's incident history, and never on the public page (issue 26: the
page shows incidents written by people; internal rules stay on the dashboard)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.alerting import open_store, seed_episode
from tests.browser import ARTIFACTS, open_page
from tests.conftest import DevServer
from tests.status_history import seed_history


def test_resolved_incidents_in_json_never_on_the_page(
    migrated_db: str,
    dev_server: Any,
    browser: Any,
) -> None:
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
    server: DevServer = dev_server({"DATABASE_URL": migrated_db})
    body = server.get("/api/status").json()
    past = body["resolved_incidents"]
    assert [(p["rule"], p["duration_s"]) for p in past] == [
        ("cron_late:daily_metrics", 1800.0),
        ("service_unresponsive:database", 7200.0),
    ]
    assert past[1]["title"] == "Critical service unresponsive (database)"
    assert "4711" not in server.get("/api/status").text  # messages stay private
    context, page, problems = open_page(
        browser, server.url, viewport={"width": 1100, "height": 1400}, locale="en-GB"
    )
    try:
        shown = page.inner_text("body")
        for title in ("unresponsive", "Cron job late", "Certificate", "certificate", "4711"):
            assert title not in shown, f"{title!r}: an internal rule on the public page"
        assert page.locator("#past-incidents").count() == 0
        assert page.inner_text("#incidents") == "No incidents in the last 7 days."
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "status-page-incident-history.png"), full_page=True)
        assert problems == []
    finally:
        context.close()
