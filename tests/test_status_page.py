"""The public status page in Debian's Chromium, served by the dev server: components with 90 days
of history, a published incident, announced maintenance, providers, the subscribe form, German
and English, a phone. /api/status is today's answer with the agreed public fields added
(tests/status_shape.py) and internal alerts firing in the store: none may reach the page."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lib.store import Store
from lib.store.postgres import PostgresTransport
from tests.alerting import INCIDENT as PROVIDER_INCIDENT
from tests.alerting import record_incident
from tests.browser import ARTIFACTS, open_page
from tests.conftest import DevServer, _clone, assert_no_secret
from tests.status_shape import DAYS, INCIDENT, NAMES, during_incident, with_maintenance

# Internal rules firing in the store: today's /api/status lists them; the page never shows them.
INTERNAL = {
    "cron_late:daily_metrics": "Cron job late",
    "budget_reached": "budget",
    "tls_expiry": "Certificate",
}


@pytest.fixture(scope="module")
def page_server(pg, monitor_template: str) -> Iterator[DevServer]:
    now = datetime.now(UTC)
    for name in _clone(pg, monitor_template):
        url = pg.url_for(name)
        with Store(PostgresTransport(url, 5)) as db:
            for key in INTERNAL:
                state = {
                    "state": "firing",
                    "severity": "critical",
                    "since": now - timedelta(hours=5),
                }
                db.alert_cas(key, 0, state)
            record_incident(db, PROVIDER_INCIDENT)
        server = DevServer({"DATABASE_URL": url})
        yield server
        assert_no_secret(server.close())


def serve(
    context: Any, shape: Callable[[dict[str, Any]], dict[str, Any]], posted: list[dict[str, Any]]
) -> None:
    """/api/status as the server answers, in `shape`; POST /api/subscriptions recorded in
    `posted` and answered as the backend does (202, then 429 on the second try)."""

    def status(route: Any) -> None:
        answer = route.fetch()
        route.fulfill(response=answer, json=shape(answer.json()))

    def subscriptions(route: Any) -> None:
        request = route.request
        posted.append({"method": request.method, **json.loads(request.post_data or "{}")})
        if len(posted) == 1:
            route.fulfill(status=202, json={"status": "confirmation_sent"})
        else:
            route.fulfill(status=429, json={"error": "too many requests"})

    context.route("**/api/status", status)
    context.route("**/api/subscriptions", subscriptions)


def load(
    browser: Any, server: DevServer, shape: Any, **options: Any
) -> tuple[Any, Any, list[str], list[dict[str, Any]]]:
    """One page load of /status with /api/status in `shape`; what it posted to subscriptions."""
    posted: list[dict[str, Any]] = []
    context, page, problems = open_page(
        browser, server.url, prepare=lambda c: serve(c, shape, posted), **options
    )
    return context, page, problems, posted


def assert_no_internal_rule(page: Any) -> None:
    shown = page.inner_text("body")
    for key, words in INTERNAL.items():
        assert words.lower() not in shown.lower(), f"internal rule {key} on the public page"
    assert "daily_metrics" not in shown and "Elevated API errors" in shown  # providers do show


def test_during_an_incident_in_english(browser: Any, page_server: DevServer) -> None:
    today = page_server.get("/api/status").json()
    # The seeded internal rules are firing in the store, and the public answer names none.
    assert not any(key.split(":")[0] in json.dumps(today) for key in INTERNAL)
    context, page, problems, posted = load(
        browser,
        page_server,
        during_incident,
        locale="en-US",
        viewport={"width": 1100, "height": 1400},
    )
    try:
        assert page.evaluate("document.documentElement.lang") == "en"
        assert page.get_attribute("#banner", "class") == "banner banner-partial_outage"
        assert page.inner_text("#banner-text") == "Partial outage: Chat"
        assert page.inner_text("#banner-detail") == "Affected: Chat"
        rows = page.locator(".component")
        assert [rows.nth(i).get_attribute("data-component") for i in range(5)] == list(NAMES)
        for i in range(5):
            assert rows.nth(i).locator(".bar").count() == DAYS
        chat = page.locator(".component[data-component=chat]")
        assert chat.locator(".service-word").inner_text() == "Partial outage"
        assert "99.91 % uptime (30 days)" in chat.inner_text()  # 99.917 rounded down
        # The incident on its day: marked, titled, and shown below the bars when tapped.
        marked = chat.locator(".bar.has-incident")
        assert marked.count() == 2
        today_bar = chat.locator(".bar[data-day='2026-12-06']")
        assert "day-partial_outage" in (today_bar.get_attribute("class") or "")
        assert today_bar.get_attribute("title") == (
            "Chat, 06/12/2026 · 97.50 % uptime · Partial outage · Incident: Chat not answering"
        )
        today_bar.click()
        assert chat.locator(".day-detail").inner_text().endswith("Incident: Chat not answering")
        # By keyboard: one tab stop per row (today), the arrow keys walk the days.
        assert page.locator(".bar[tabindex='0']").count() == 5
        today_bar.focus()
        page.keyboard.press("ArrowLeft")
        assert page.evaluate("document.activeElement.dataset.day") == "2026-12-05"
        assert chat.locator(".day-detail").inner_text() == "Chat, 05/12/2026 · 100.00 % uptime"
        page.keyboard.press("Home")
        assert page.evaluate("document.activeElement.dataset.day") == "2026-09-08"
        assert "Incident" in (
            chat.locator(".bar[data-day='2026-11-20']").get_attribute("title") or ""
        )
        assert page.locator(".bar.day-none").count() == 5 * 9  # the days before any check
        # The published incident with its updates, newest first, times in Berlin with the zone.
        (card,) = page.locator("#incidents .incident-card").all()
        assert card.get_attribute("data-incident") == INCIDENT["id"]
        assert "Chat not answering" in card.inner_text() and "Impact: major" in card.inner_text()
        updates = card.locator(".update").all_inner_texts()
        assert updates[0].startswith("Identified · 06/12/2026, 10:40 CET")
        assert "rerouting" in updates[0] and updates[1].startswith(
            "Investigating · 06/12/2026, 10:12 CET"
        )
        assert page.locator("#maintenance-section").is_hidden()
        # Providers: an unreadable page is "unknown", never a quiet one.
        unreadable = page.locator("#providers li.provider-unreadable")
        assert (
            "could not be read" in unreadable.inner_text()
            and "RESEND" in unreadable.inner_text().upper()
        )
        assert "No provider reports an incident" not in page.inner_text("#providers")
        assert_no_internal_rule(page)
        assert page.get_attribute("#feed-link", "href") == "/api/status/feed.atom"
        assert page.inner_text("#zone-note") == "Times in Europe/Berlin (CET)"
        assert page.inner_text("#updated") == "As of: 06/12/2026, 11:00 CET ·"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "status-incident.png"), full_page=True)

        # Subscribing: JSON to /api/subscriptions, the answer shown; a second try is rate limited.
        page.fill("#subscribe-email", "kunde@example.com")
        page.click("#subscribe-form summary")
        page.check("#subscribe-chat")
        page.click("#subscribe-button")
        page.wait_for_selector("#subscribe-answer.answer-ok")
        assert "confirm the link" in page.inner_text("#subscribe-answer")
        assert posted == [
            {
                "method": "POST",
                "email": "kunde@example.com",
                "components": ["chat"],
                "language": "en",
            }
        ]
        page.click("#subscribe-button")
        page.wait_for_selector("#subscribe-answer.answer-error")
        assert page.inner_text("#subscribe-answer") == "Too many attempts. Please try again later."

        # The switch: German without a reload, remembered for the next visit.
        page.click("button[data-language=de]")
        assert page.inner_text("#banner-text") == "Teilweiser Ausfall: Chat"
        assert page.inner_text("#incidents .update >> nth=0").startswith(
            "Ursache gefunden · 06.12.2026, 10:40 MEZ"
        )
        assert page.evaluate("document.documentElement.lang") == "de"
        # The 429 above is an answer the page shows, not a problem of the page.
        expected = ("HTTP 429: ", "console error: Failed to load resource: the server responded")
        assert [p for p in problems if not p.startswith(expected)] == [], problems
    finally:
        context.close()


def test_maintenance_announced_in_german(browser: Any, page_server: DevServer) -> None:
    context, page, problems, _ = load(
        browser,
        page_server,
        with_maintenance,
        locale="de-DE",
        viewport={"width": 1100, "height": 1200},
    )
    try:
        assert page.evaluate("document.documentElement.lang") == "de"
        assert page.inner_text("h1") == "CarBot Status"
        assert page.get_attribute("#banner", "class") == "banner banner-operational"
        assert page.inner_text("#banner-text") == "Alle Systeme betriebsbereit"
        (item,) = page.locator("#maintenance .maintenance").all()  # the completed one is not shown
        assert item.get_attribute("data-maintenance") == "mnt_1"
        text = item.inner_text()
        assert "Geplant" in text and "Datenbank-Upgrade" in text
        assert "Zeitraum: 08.12.2026, 02:00 MEZ – 08.12.2026, 04:00 MEZ" in text
        assert "Betroffen: Zahlungen" in text and "Zahlungen sind kurz nicht möglich." in text
        assert page.inner_text("#incidents") == "Keine Störungen in den letzten 7 Tagen."
        chat = page.locator(".component[data-component=chat]")
        assert chat.locator(".service-word").inner_text() == "Betriebsbereit"
        assert "99,91 % Verfügbarkeit (30 Tage)" in chat.inner_text()
        assert "Status unbekannt" in page.inner_text("#providers li.provider-unreadable")
        assert page.inner_text("#subscribe-button") == "Abonnieren"
        assert_no_internal_rule(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "status-maintenance.png"), full_page=True)
        assert problems == []
    finally:
        context.close()


def test_on_a_phone(browser: Any, page_server: DevServer) -> None:
    """A French phone: a language the page does not speak, so German (CarBot's own)."""
    context, page, problems, _ = load(
        browser,
        page_server,
        during_incident,
        locale="fr-FR",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    try:
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, "no horizontal scrolling on a phone"
        assert page.evaluate("document.documentElement.lang") == "de"
        widths = (
            page.locator(".component")
            .first.locator(".bar")
            .evaluate_all("bars => bars.map(b => b.getBoundingClientRect().width)")
        )
        assert len(widths) == DAYS and min(widths) > 0.5
        # Tapping a day on a phone (no hover there) tells what happened on it.
        page.locator(".component[data-component=chat] .bar[data-day='2026-12-06']").tap()
        detail = page.inner_text(".component[data-component=chat] .day-detail")
        assert detail == (
            "Chat, 06.12.2026 · 97,50 % Verfügbarkeit · Teilweiser Ausfall"
            " · Störung: Chat antwortet nicht"
        )
        # Small: the page, its script, styles and words, no framework.
        sizes = page.evaluate(
            "performance.getEntriesByType('resource').filter(e => !e.name.includes('/api/'))"
            ".map(e => e.decodedBodySize)"
        )
        assert sum(sizes) < 60_000, sizes
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "status-phone.png"), full_page=True)
        assert problems == []
    finally:
        context.close()


def test_the_servers_own_answer_end_to_end(browser: Any, page_server: DevServer) -> None:
    """No seeded shape: the page on the server's own /api/status shows its components and the
    banner derived from them, the providers, and none of the internal rules firing in the store."""
    status = page_server.get("/api/status").json()
    names = [c["id"] for c in status["components"]]
    context, page, problems = open_page(browser, page_server.url, locale="en-US")
    try:
        assert page.inner_text("#banner-text") == status["banner"]["message"]["en"]
        rows = page.locator(".component")
        assert [rows.nth(i).get_attribute("data-component") for i in range(len(names))] == names
        assert rows.count() == len(names) == 5
        assert page.inner_text("#incidents") == "No incidents in the last 7 days."
        assert_no_internal_rule(page)
        assert problems == []
    finally:
        context.close()
