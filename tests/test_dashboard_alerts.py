"""The dashboard's alert panel (public/dashboard/alerts.js) in Chromium against the dev server and
real PostgreSQL: who is on call from an `[escalation]` policy with a rotation, each episode's level
and acknowledgement, acknowledging from the page (a hostile name stays text) and the API's
sentence when it refuses; un-acknowledging again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lib.store import AlertEvent
from tests.alerting import open_store, seed_episode
from tests.browser import ARTIFACTS
from tests.conftest import ROOT, SECRETS, DevServer, assert_no_secret
from tests.hostile import HOSTILE

TOKEN = SECRETS["HEALTH_TOKEN"]
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LIBRARY = ROOT / "public" / "dashboard" / "vendor" / "uPlot.iife.min.js"
FIRING = "service_unresponsive:database"  # firing for 40 min, escalated to level 2
GONE = "service_unresponsive:stripe"  # firing when the page loads, resolved before the click
RESOLVED = "payment_failure_rate"  # two days ago: acknowledged by Ben after 22 min
NAME = f"Lena {HOSTILE['handler']}"  # 'Lena "><img src=x onerror="alert(1)">'
NOW = datetime.now(UTC).replace(microsecond=0)
POLICY = """
[escalation]
[[escalation.levels]]
name = "Development Team"
channels = ["webhook"]
[[escalation.levels]]
name = "Senior DevOps Engineer"
channels = ["email"]
contacts = ["+49 170 0000000"]
rotation = [{ name = "Anna", channel = "email" }, { name = "Ben", channel = "email" }]
"""


def seed(url: str) -> None:
    """The three episodes as the engine and the acknowledge API write them."""
    with open_store(url) as store:
        start = NOW - timedelta(minutes=40)
        row = seed_episode(store, FIRING, start, threshold=60, level=1, severity="critical")
        escalated = AlertEvent(
            kind="escalated", at=start + timedelta(minutes=15), episode_start=start, level=2
        )
        assert store.alert_transition(FIRING, row.version, {"level": 2}, escalated) is not None
        seed_episode(store, GONE, NOW - timedelta(minutes=5), level=1, severity="critical")
        start = NOW - timedelta(days=2)
        row = seed_episode(store, RESOLVED, start, level=1, severity="critical")
        acked_at = start + timedelta(minutes=22)
        acked = AlertEvent(kind="acknowledged", at=acked_at, episode_start=start, actor="Ben")
        patch = {"acknowledged_at": acked_at, "acknowledged_by": "Ben"}
        row = store.alert_transition(RESOLVED, row.version, patch, acked)
        assert row is not None
        end = AlertEvent(kind="resolved", at=start + timedelta(minutes=70), episode_start=start)
        patch = {"state": "ok", "since": start + timedelta(minutes=70)}
        assert store.alert_transition(RESOLVED, row.version, patch, end) is not None


def resolve(url: str, key: str) -> None:
    """The alert resolves behind the page's back (the health check ran meanwhile)."""
    with open_store(url) as store:
        row = store.alerts()[key]
        event = AlertEvent(kind="resolved", at=NOW, episode_start=row.since)
        assert store.alert_transition(key, row.version, {"state": "ok", "since": NOW}, event)


@pytest.fixture(scope="module")
def server(module_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevServer]:
    assert LIBRARY.is_file(), "run `make dashboard` (npm ci && npm run build)"
    config = Path(tmp_path_factory.mktemp("dashboard-alerts")) / "monitoring.toml"
    config.write_text(POLICY)
    seed(module_db)
    env = {"DATABASE_URL": module_db, "HEALTH_TOKEN": TOKEN, "MONITOR_CONFIG": str(config)}
    dev = DevServer(env)
    yield dev
    assert_no_secret(dev.close())


def open_dashboard(browser: Any, url: str) -> tuple[Any, Any, list[str]]:
    """Signed in; `errors` collects page errors, console errors other than an API's status, and
    a dialog (a hostile name that ran would open one)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1600})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.goto(url + "/dashboard")
    page.wait_for_selector("#login:not([hidden])")
    page.fill("#token", TOKEN)
    page.press("#token", "Enter")
    return context, page, errors


def alerts_body(dev: DevServer) -> dict[str, Any]:
    answer = dev.request("GET", "/api/alerts?days=30", headers=AUTH)
    assert answer.status_code == 200, answer.text
    return answer.json()


def episode(body: dict[str, Any], key: str) -> dict[str, Any]:
    return next(e for e in body["episodes"] if e["rule"] == key)


def test_on_call_levels_and_acknowledge_from_the_dashboard(
    browser: Any, server: DevServer, module_db: str
) -> None:
    on_call = alerts_body(server)["on_call"]
    assert [o["level"] for o in on_call] == [1, 2]
    person = on_call[1]["person"]  # this ISO week's rotation entry
    assert person in ("Anna", "Ben")
    context, page, errors = open_dashboard(browser, server.url)
    try:
        page.wait_for_selector("#alerts .on-call")
        team, devops = (page.locator(f"#alerts .on-call [data-level='{n}']") for n in (1, 2))
        assert "Development Team" in team.inner_text() and "(no rotation)" in team.inner_text()
        assert "via webhook" in team.inner_text()
        assert devops.locator(".person").inner_text() == person
        assert "Senior DevOps Engineer" in devops.inner_text()
        assert "+49 170 0000000" in devops.inner_text() and "via email" in devops.inner_text()

        firing = page.locator(f"#alerts .episode[data-key='{FIRING}']")
        assert "level 2" in firing.locator(".response").inner_text()
        assert "not acknowledged" in firing.locator(".response").inner_text()
        resolved = page.locator(f"#alerts .episode[data-key='{RESOLVED}']")
        assert "acknowledged after 22 min" in resolved.inner_text()
        assert resolved.locator(".acknowledged-by").inner_text() == "Ben"
        assert resolved.locator("form").count() == 0  # over: nothing to acknowledge

        # Resolved since the page loaded: the API's 409 sentence, and nothing acknowledged.
        resolve(module_db, GONE)
        gone = page.locator(f"#alerts .episode[data-key='{GONE}']")
        gone.locator("input[name=by]").fill("Max")
        gone.locator("button.ack").click()
        page.wait_for_selector("#alerts .answer.error")
        assert page.inner_text("#alerts .answer.error") == (
            "Not acknowledged: this alert is not firing; there is nothing to acknowledge."
        )
        assert episode(alerts_body(server), GONE)["acknowledged_at"] is None

        # Acknowledge with a hostile name and a note: the API records it, the panel reloads.
        firing.locator("input[name=by]").fill(NAME)
        firing.locator("input[name=note]").fill("restarting the pooler")
        firing.locator("button.ack").click()
        page.wait_for_selector("#alerts .answer.ok")
        assert page.inner_text("#alerts .answer.ok") == f"Acknowledged {FIRING}."
        stored = episode(alerts_body(server), FIRING)
        assert stored["acknowledged_by"] == NAME and stored["acknowledged_at"] is not None
        assert stored["level"] == 2
        firing = page.locator(f"#alerts .episode[data-key='{FIRING}']")
        assert firing.locator(".acknowledged-by").inner_text() == NAME  # the characters typed
        assert firing.locator("button.unack").inner_text() == "Un-acknowledge"
        assert page.locator("main img, main script, main [onerror]").count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("#alerts").screenshot(path=str(ARTIFACTS / "dashboard-ack.png"))

        # Un-acknowledge: reminders and escalation resume; the form offers Acknowledge again.
        firing.locator("input[name=by]").fill("Lena")
        firing.locator("button.unack").click()
        page.wait_for_selector(f"#alerts .answer.ok:text-is('Un-acknowledged {FIRING}.')")
        assert episode(alerts_body(server), FIRING)["acknowledged_at"] is None
        assert "not acknowledged" in firing.locator(".response").inner_text()
        assert firing.locator("button.ack").count() == 1
        assert errors == []
    finally:
        context.close()
