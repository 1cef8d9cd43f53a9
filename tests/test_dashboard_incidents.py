"""The dashboard's status-communication panel in Chromium: the components, an incident updated and
resolved, a new incident and a maintenance window sent to /api/incidents in the agreed request
bodies (SPEC.md §13), times typed in the product's zone whatever the browser's own."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser import ARTIFACTS
from tests.conftest import ROOT, SECRETS, DevServer, assert_no_secret
from tests.status_shape import INCIDENT, MAINTENANCE, NAMES, during_incident

TOKEN = SECRETS["HEALTH_TOKEN"]
LIBRARY = ROOT / "public" / "dashboard" / "vendor" / "uPlot.iife.min.js"


@pytest.fixture(scope="module")
def server() -> Iterator[DevServer]:
    """No store: the panels that need one say so; /api/status and /api/incidents are routed."""
    assert LIBRARY.is_file(), "run `make dashboard` (npm ci && npm run build)"
    dev = DevServer({"HEALTH_TOKEN": TOKEN})
    yield dev
    assert_no_secret(dev.close())


def routed(context: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """/api/status in the agreed shape; GET /api/incidents lists its open incident; a change to
    /api/incidents answered 404 once (not deployed yet), then as created/updated. Returns what
    was sent: (method, path, body)."""
    sent: list[tuple[str, str, dict[str, Any]]] = []
    status = {**during_incident({"incidents": [], "providers": {}}), "maintenance": MAINTENANCE}

    def incidents(route: Any) -> None:
        request = route.request
        if request.method == "GET":  # the lists: the open incident, stored (StoredEvent)
            route.fulfill(json={"events": [{**INCIDENT, "kind": "incident", "published": True}]})
            return
        path = request.url.split("127.0.0.1", 1)[1].split("/", 1)[1]
        sent.append((request.method, "/" + path, json.loads(request.post_data or "{}")))
        if len(sent) == 1:
            route.fulfill(status=404, json={"error": "not found"})
        else:
            route.fulfill(status=201 if request.method == "POST" else 200, json={"id": "inc_9"})

    context.route("**/api/status", lambda route: route.fulfill(json=status))
    context.route("**/api/incidents**", incidents)
    return sent


def answer_is(page: Any, test: str) -> None:
    """Wait until the panel's answer passes `test` (a JS expression over `text`)."""
    page.wait_for_function(
        f"() => {{ const text = document.querySelector('#communication .answer').textContent;"
        f" return {test}; }}"
    )


def fill_pair(scope: Any, name: str, de: str, en: str) -> None:
    scope.locator(f"[name={name}_de]").fill(de)
    scope.locator(f"[name={name}_en]").fill(en)


def test_incidents_and_maintenance_from_the_dashboard(browser: Any, server: DevServer) -> None:
    # The browser in New York: the times typed are still Berlin's (the API's `timezone`).
    context = browser.new_context(
        viewport={"width": 1280, "height": 1600}, timezone_id="America/New_York"
    )
    sent = routed(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(server.url + "/dashboard")
        page.fill("#token", TOKEN)
        page.press("#token", "Enter")
        page.wait_for_selector("#communication table.components")
        rows = page.locator("#communication tr[data-component]")
        assert [rows.nth(i).get_attribute("data-component") for i in range(5)] == list(NAMES)
        assert "partial outage" in rows.nth(2).inner_text()
        assert "99.91 %" in rows.nth(2).inner_text()
        assert page.locator("#communication .maintenance-list li").count() == 1  # not completed

        # A new incident: the first answer is a 404 (backend not deployed), then published.
        page.click("#communication summary:has-text('Open an incident')")
        form = page.locator("#incident-form")
        fill_pair(form, "title", "Zahlungen schlagen fehl", "Payments failing")
        form.locator("[name=status]").select_option("identified")
        form.locator("[name=impact]").select_option("critical")
        form.locator("[name=component_payments]").select_option("critical")
        form.locator("[name=component_chat]").select_option("minor")
        fill_pair(form, "message", "Wir prüfen Stripe.", "We are checking Stripe.")
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#communication .answer.error")
        assert page.inner_text("#communication .answer") == (
            "Incidents API: not available in this deployment yet."
        )
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#communication .answer.ok")
        assert page.inner_text("#communication .answer") == 'Incident "Payments failing" published.'
        new_incident = {
            "title": {"de": "Zahlungen schlagen fehl", "en": "Payments failing"},
            "status": "identified",
            "impact": "critical",
            "components": [
                {"id": "chat", "impact": "minor"},
                {"id": "payments", "impact": "critical"},
            ],
            "message": {"de": "Wir prüfen Stripe.", "en": "We are checking Stripe."},
        }
        assert sent == [("POST", "/api/incidents", new_incident)] * 2

        # The open incident: an update, then resolved.
        item = page.locator(f"#communication .incident-item[data-incident={INCIDENT['id']}]")
        assert "Chat not answering" in item.inner_text()
        item.locator("[name=status]").select_option("monitoring")
        fill_pair(item, "message", "Umgeleitet.", "Rerouted.")
        item.locator("button[type=submit]").click()
        answer_is(page, "text.startsWith('Update')")
        item = page.locator(f"#communication .incident-item[data-incident={INCIDENT['id']}]")
        fill_pair(item, "message", "Behoben.", "Fixed.")
        item.locator("button.resolve").click()
        answer_is(page, "text.endsWith('resolved.')")
        path = f"/api/incidents/{INCIDENT['id']}"
        assert sent[2:] == [
            (
                "PATCH",
                path,
                {"status": "monitoring", "message": {"de": "Umgeleitet.", "en": "Rerouted."}},
            ),
            ("PATCH", path, {"status": "resolved", "message": {"de": "Behoben.", "en": "Fixed."}}),
        ]

        # Maintenance: a window ending before it starts is refused here, nothing sent.
        page.click("#communication summary:has-text('Schedule maintenance')")
        form = page.locator("#maintenance-form")
        fill_pair(form, "title", "Datenbank-Upgrade", "Database upgrade")
        form.locator("[name=starts_at]").fill("2026-12-08T02:00")
        form.locator("[name=ends_at]").fill("2026-12-08T01:00")
        form.locator("input[value=payments]").check()
        fill_pair(form, "message", "Kurz keine Zahlungen.", "Payments briefly unavailable.")
        form.locator("button[type=submit]").click()
        assert (
            page.inner_text("#communication .answer") == "The maintenance must end after it starts."
        )
        assert len(sent) == 4
        form.locator("[name=ends_at]").fill("2026-12-08T04:00")
        form.locator("button[type=submit]").click()
        answer_is(page, "text.endsWith('scheduled.')")
        assert sent[4] == (
            "POST",
            "/api/incidents",
            {
                "kind": "maintenance",
                "title": {"de": "Datenbank-Upgrade", "en": "Database upgrade"},
                "message": {"de": "Kurz keine Zahlungen.", "en": "Payments briefly unavailable."},
                "starts_at": "2026-12-08T01:00:00.000Z",  # 02:00 in Berlin
                "ends_at": "2026-12-08T03:00:00.000Z",
                "components": ["payments"],
            },
        )
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("#communication").screenshot(path=str(ARTIFACTS / "dashboard-incidents.png"))
        assert errors == []
    finally:
        context.close()
