"""The public status page in a real headless Chromium against the dev server, seeded history."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from lib.store import Store
from lib.store.postgres import PostgresTransport
from tests.alerting import INCIDENT, record_incident
from tests.browser import ARTIFACTS, open_page
from tests.conftest import DevServer, _clone, assert_no_secret
from tests.status_history import seed_history

SERVICES = 4
DAYS = 90


@pytest.fixture(scope="module")
def page_server(pg, monitor_template: str) -> Iterator[DevServer]:
    """90 days of hourly checks for four services, a bad day for OpenAI, one open incident."""
    now = datetime.now(UTC)
    for name in _clone(pg, monitor_template):
        url = pg.url_for(name)
        outage = (now - timedelta(days=12, hours=6), now - timedelta(days=12))
        seed_history(url, now, days=DAYS, every_minutes=60, outage=outage)
        with Store(PostgresTransport(url, 5)) as db:
            db.alert_cas(
                "cron_late:daily_metrics",
                0,
                {"state": "firing", "severity": "warning", "since": now - timedelta(hours=5)},
            )
            record_incident(db, INCIDENT)
        server = DevServer({"DATABASE_URL": url})
        yield server
        assert_no_secret(server.close())


def test_status_page_in_chromium(browser: Any, page_server: DevServer) -> None:
    status = page_server.get("/api/status").json()
    context, page, problems = open_page(
        browser, page_server.url, viewport={"width": 1100, "height": 1400}
    )
    try:
        assert page.title() == "CarBot Status"
        assert page.inner_text("#banner-text") == status["description"]
        assert page.get_attribute("#banner", "class") == f"banner banner-{status['status']}"

        rows = page.locator(".service")
        assert rows.count() == SERVICES
        names = [rows.nth(i).get_attribute("data-service") for i in range(SERVICES)]
        assert names == ["database", "openai", "stripe", "email"]
        for i in range(SERVICES):
            assert rows.nth(i).locator(".bar").count() == DAYS
        # Every day has checks; the outage day is red; hover titles give each day's figure.
        assert page.locator(".bar.day-none").count() == 0
        history = status["history"]
        openai = history["services"]["openai"]
        bad = [i for i, v in enumerate(openai["uptime_pct"]) if v < 95]
        assert bad, "the seeded outage makes at least one bad day"
        openai_bars = rows.nth(1).locator(".bar")
        for i in bad:
            assert "day-bad" in (openai_bars.nth(i).get_attribute("class") or "")
            assert openai_bars.nth(i).get_attribute("title") == (
                f"{history['days'][i]}: {openai['uptime_pct'][i]:.3f}"[:-1] + " % uptime"
                f" ({openai['checks'][i]} checks)"
            )
        titles = rows.nth(0).locator(".bar").evaluate_all("bars => bars.map(b => b.title)")
        assert all(
            re.fullmatch(r"\d{4}-\d\d-\d\d: \d+\.\d\d % uptime \(\d+ checks\)", t) for t in titles
        )

        # The 30-day chart: one line per service with 30 points, axis labels, dot tooltips.
        assert page.locator("#chart svg").count() == 1
        lines = page.locator("#chart path.series")
        assert lines.count() == SERVICES
        for i in range(SERVICES):
            d = lines.nth(i).get_attribute("d") or ""
            assert d.count("L") == 29 and d.startswith("M"), d[:80]
            box = lines.nth(i).bounding_box()
            assert box is not None and box["width"] > 500
        assert page.locator("#chart circle").count() == SERVICES * 30
        assert page.locator("#chart-legend span").count() == SERVICES

        # Internal alert rules (a late cron) never reach the public page (issue 26).
        assert page.locator("#incidents li.incident").count() == 0
        assert "Cron job late" not in page.inner_text("body")
        providers = page.locator("#providers li.incident")
        assert providers.count() == 1
        assert "STRIPE" in providers.inner_text().upper()
        assert "Elevated API errors" in providers.inner_text()
        for window in ("24h", "7d", "30d"):  # rounded down like the badge, never up to 100
            shown = page.inner_text(f"#uptime-{window}")
            assert shown == f"{status['uptime'][window]:.3f}"[:-1] + " %"
        assert page.inner_text("#updated").startswith("Last updated")

        # The SVG badge renders at the width the server computed for it.
        badge = page.locator("img.badge")
        natural = badge.evaluate("img => img.naturalWidth")
        svg = page_server.get("/api/badge?format=svg").text
        assert natural == int(re.search(r'width="(\d+)"', svg).group(1))  # type: ignore[union-attr]

        # Refresh: one more /api/status request when the (fake) clock passes 60 s.
        with page.expect_request(lambda r: r.url.endswith("/api/status")):
            page.clock.run_for(60_000)
        page.wait_for_timeout(200)

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "status-page.png"), full_page=True)
        assert problems == []
    finally:
        context.close()


def test_status_page_on_a_phone(browser: Any, page_server: DevServer) -> None:
    context, page, problems = open_page(
        browser,
        page_server.url,
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
        widths = (
            page.locator(".service")
            .first.locator(".bar")
            .evaluate_all("bars => bars.map(b => b.getBoundingClientRect().width)")
        )
        assert len(widths) == DAYS and min(widths) > 0.5
        chart = page.locator("#chart svg").bounding_box()
        assert chart is not None and chart["width"] <= 390
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "status-page-phone.png"), full_page=True)
        assert problems == []
    finally:
        context.close()


def test_status_page_lists_unreadable_providers_and_upcoming_maintenance(
    browser: Any, page_server: DevServer
) -> None:
    """Providers without incidents, one page unreadable, one maintenance announced: never
    "No provider reports an incident", and the maintenance is not an incident."""
    providers = {
        "vercel": {
            "title": "Vercel", "indicator": "none", "description": None,
            "checked_at": "2026-12-03T12:00:00Z", "readable": True, "error": None, "incidents": [],
            "maintenance": [{
                "name": "Database upgrade", "status": "upcoming",
                "scheduled_for": "2026-12-05T02:00:00Z", "scheduled_until": "2026-12-05T04:00:00Z",
                "url": "https://www.vercel-status.com/incidents/m1",
            }],
        },
        "resend": {
            "title": "Resend", "indicator": None, "description": None,
            "checked_at": "2026-12-03T12:00:00Z", "readable": False,
            "error": "status page answered 404", "incidents": [], "maintenance": [],
        },
    }  # fmt: skip
    context = browser.new_context()
    page = context.new_page()

    def with_providers(route: Any) -> None:
        response = route.fetch()
        route.fulfill(response=response, json={**response.json(), "providers": providers})

    try:
        page.route("**/api/status", with_providers)
        page.goto(page_server.url + "/status")
        page.wait_for_selector("body[data-loaded=true]", timeout=10_000)
        text = page.inner_text("#providers")
        assert "No provider reports an incident" not in text
        assert "Status page could not be read" in text and "status page answered 404" in text
        assert "Database upgrade" in text and "upcoming maintenance" in text
        assert page.locator("#providers li.provider-maintenance").count() == 1
        assert page.locator("#providers li.provider-unreadable").count() == 1
    finally:
        context.close()
