"""The dashboard's incidents, visitors, synthetic-checks and business-metric panels in Chromium,
over data seeded through the real APIs and store: an alert's draft published from the page,
signed Web Analytics deliveries, a check result row and a failed heartbeat; hostile text stays
text. And the same panels with nothing stored say so."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.alerting import open_store
from tests.browser import ARTIFACTS
from tests.conftest import ROOT, SECRETS, DevServer, _clone, assert_no_secret
from tests.fakes.drains import SECRET, VERIFY, analytics_event, body_of
from tests.hostile import HOSTILE

TOKEN = SECRETS["HEALTH_TOKEN"]
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LIBRARY = ROOT / "public" / "dashboard" / "vendor" / "uPlot.iife.min.js"
DESKTOP = {"width": 1280, "height": 1600}
PHONE = {"width": 390, "height": 844}
PING = "sync-1a2b3c4d5e6f7a8b9c0d1e2f"
CONFIG = """
[[checks]]
name = "home"
http = { url = "https://carbot.de/" }

[[heartbeats]]
name = "lead-sync"
token_env = "CARBOT_PING_LEAD_SYNC"
period = 3600
"""
SCRIPT = HOSTILE["script"]  # "<script>alert(document.cookie)</script>"
HANDLER = HOSTILE["handler"]  # '"><img src=x onerror="alert(1)">'
# The business metrics added by other branches, each with one value yesterday.
NEW_METRICS = {
    "disputes_opened": ("count", 2),
    "refunds": ("count", 3),
    "net_revenue_cents": ("cents", 123_400),
    "openai_input_tokens": ("tokens", 52_000),
    "storage_bytes": ("bytes", 5 * 1024**3),
    "page_views": ("count", 40),
}
ALERT_KEY = "service_unresponsive:openai"


def seed_store(url: str) -> str:
    """Yesterday's new metrics, a failed run of the `home` check beside a supplier's probe, and an
    alert's draft incident as the health check writes it. Returns the draft's id."""
    from lib.core.components import StatusOptions, components_or_defaults
    from lib.status.events import suggested_draft
    from lib.status.store import put_event

    yesterday = datetime.now(ZoneInfo("Europe/Berlin")).date() - timedelta(days=1)
    now = datetime.now(UTC)
    chat = next(c for c in components_or_defaults(()) if c.id == "chat")
    draft = suggested_draft(chat, ALERT_KEY, now - timedelta(minutes=12), now, StatusOptions())
    with open_store(url) as store:
        store.upsert_daily_metrics(
            [
                {"day": yesterday, "metric": m, "value": v, "unit": u}
                for m, (u, v) in NEW_METRICS.items()
            ]
        )
        store.record_checks(
            [
                {"service": "check:home", "status": "down", "latency_ms": 1234, "reason": SCRIPT},
                {"service": "database", "status": "ok", "latency_ms": 12},
            ]
        )
        assert put_event(store, draft, 0) is not None
    return draft.id


def seed_through_http(dev: DevServer) -> None:
    """A people-written draft with a hostile title, visitors through the signed drain, and a
    heartbeat's /fail with hostile output."""
    draft = {
        "title": {"de": HANDLER, "en": HANDLER},
        "impact": "minor",
        "message": {"de": SCRIPT, "en": SCRIPT},
        "published": False,
    }
    answer = dev.request("POST", "/api/incidents", json=draft, headers=AUTH)
    assert answer.status_code == 201, answer.text
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    window = {
        "kind": "maintenance",
        "title": {"de": "Datenbank-Upgrade", "en": "Database upgrade"},
        "message": {"de": "Kurze Pause", "en": "Short pause"},
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
        "components": ["payments"],
        "published": False,
    }
    answer = dev.request("POST", "/api/incidents", json=window, headers=AUTH)
    assert answer.status_code == 201, answer.text
    at = datetime.now(UTC) - timedelta(minutes=5)
    visits = [
        analytics_event(at, device=100 + i % 3, session=200 + i % 4, path="/pricing",
                        referrer="https://www.google.com/search", country="DE",
                        clientName="Firefox", deviceType="desktop", osName="Linux")
        for i in range(6)
    ]  # fmt: skip
    visits.append(analytics_event(at, device=900, session=901, path=SCRIPT, country="AT"))
    visits.append(analytics_event(at, device=900, session=901, name="chat_started"))
    raw, headers = body_of(visits)
    answer = dev.request("POST", "/api/drains/vercel", content=raw, headers=headers)
    assert answer.status_code == 200 and answer.json()["records"] == 8, answer.text
    answer = dev.request("POST", f"/api/ping/{PING}/fail", content=HOSTILE["ansi"].encode())
    assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def config_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dashboard-panels") / "monitoring.toml"
    path.write_text(CONFIG)
    return path


@pytest.fixture(scope="module")
def seeded(pg, monitor_template: str, config_file: Path) -> Iterator[tuple[DevServer, str]]:
    assert LIBRARY.is_file(), "run `make dashboard` (npm ci && npm run build)"
    for name in _clone(pg, monitor_template):
        url = pg.url_for(name)
        draft_id = seed_store(url)
        dev = DevServer(
            {
                "DATABASE_URL": url,
                "HEALTH_TOKEN": TOKEN,
                "MONITOR_CONFIG": str(config_file),
                "VERCEL_DRAIN_SECRET": SECRET,
                "VERCEL_VERIFY_TOKEN": VERIFY,
                "CARBOT_PING_LEAD_SYNC": PING,
            }
        )
        try:
            seed_through_http(dev)
            yield dev, draft_id
        finally:
            assert_no_secret(dev.close())


def open_dashboard(browser: Any, url: str, viewport: dict[str, int]) -> tuple[Any, Any, list[str]]:
    """Signed in; `errors` collects page errors, console errors other than an API's status, and
    a dialog (a hostile value that ran would open one)."""
    context = browser.new_context(viewport=viewport)
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


def no_markup_from_data(page: Any) -> None:
    """Hostile values are text: no element or handler they describe exists on the page."""
    assert page.locator("main script, main img, main [onerror]").count() == 0


def test_panels_show_the_seeded_figures_and_publish_a_draft(
    browser: Any, seeded: tuple[DevServer, str]
) -> None:
    dev, draft_id = seeded
    context, page, errors = open_dashboard(browser, dev.url, DESKTOP)
    try:
        # Incidents: both drafts from GET /api/incidents, none published yet.
        page.wait_for_selector("#communication .drafts")
        drafts = page.locator("#communication .incident-item.draft")
        assert drafts.count() == 2
        alert_draft = page.locator(f"#communication .draft[data-incident={draft_id}]")
        assert "Disruption: Chat" in alert_draft.inner_text()
        assert f"drafted from the alert {ALERT_KEY}" in alert_draft.inner_text()
        texts = page.locator("#communication .drafts").inner_text()
        assert HANDLER in texts and SCRIPT in texts  # shown as the characters they are
        assert page.inner_text("#communication .incident-list:not(.drafts), #communication p.ok")
        planned = page.locator("#communication .maintenance-list li")
        assert planned.count() == 1 and "Database upgrade" in planned.inner_text()
        assert "scheduled" in planned.inner_text() and "payments" in planned.inner_text()
        assert planned.locator(".badge.draft").count() == 1
        assert planned.locator("button.publish").count() == 1
        # Publish the alert's draft: PATCH {"published": true}; the lists reload from the API.
        alert_draft.locator("button.publish").click()
        page.wait_for_selector("#communication .answer.ok")
        assert page.inner_text("#communication .answer") == '"Disruption: Chat" published.'
        page.wait_for_selector(
            f"#communication .incident-item:not(.draft)[data-incident={draft_id}]"
        )
        assert page.locator("#communication .incident-item.draft").count() == 1
        stored = httpx.get(f"{dev.url}/api/incidents/{draft_id}", headers=AUTH).json()
        assert stored["published"] is True and stored["published_at"]

        # Synthetic checks: the stored row of check:home, the failed heartbeat, both uptimes.
        page.wait_for_selector("#checks tr[data-check=home]")
        row = page.locator("#checks tr[data-check=home]")
        assert row.locator(".badge").inner_text() == "down"
        assert row.locator(".reason").inner_text() == SCRIPT
        assert "1,234 ms" in row.inner_text() and row.inner_text().startswith("home http")
        assert "0.00 %" in row.inner_text()  # one run, down
        beat = page.locator("#checks [data-heartbeat=lead-sync]")
        assert beat.locator(".badge").inner_text() == "down"
        assert "reported a failure" in beat.inner_text()
        fail_body = beat.locator(".fail-body").text_content()
        assert fail_body.startswith("red link") and "\x1b" not in fail_body
        own = page.locator("#checks [data-uptime=carbot]").inner_text()
        suppliers = page.locator("#checks [data-uptime=suppliers]").inner_text()
        assert "CarBot's own uptime, 30 days" in own and "0.00 %" in own
        assert "synthetic checks of CarBot" in own
        assert "Suppliers' uptime, 30 days" in suppliers and "100.00 %" in suppliers
        assert "probes of CarBot's suppliers" in suppliers

        # Visitors: 7 page views, 4 visitors (3 devices + 1), 5 sessions, 1 custom event.
        page.wait_for_selector("#visitors .figures")
        figures = {
            label: page.locator(f"#visitors [data-figure='{label}'] .value").inner_text()
            for label in ("Page views", "Unique visitors", "Sessions", "Custom events")
        }
        assert figures == {
            "Page views": "7",
            "Unique visitors": "4",
            "Sessions": "5",
            "Custom events": "1",
        }
        pages = page.locator("#visitors [data-dimension=page] tr")
        assert pages.nth(1).inner_text().split("\t") == ["/pricing", "6", "85.71 %"]
        assert pages.nth(2).locator("td").first.text_content() == SCRIPT
        for dimension, value in (("referrer", "google.com"), ("country", "DE"),
                                 ("browser", "Firefox"), ("device", "desktop"),
                                 ("event", "chat_started")):  # fmt: skip
            assert value in page.inner_text(f"#visitors [data-dimension={dimension}]"), dimension
        capacity = page.locator("#visitors [data-capacity]")
        assert capacity.count() == 4 and "Database size" in page.inner_text(
            "#visitors .capacity-list"
        )
        page.click("button[data-visitors='30d']")
        page.wait_for_selector("#visitors[data-window='30d'] .figures")
        assert page.get_attribute("button[data-visitors='30d']", "aria-pressed") == "true"
        assert page.locator("#visitors [data-figure='Page views'] .value").inner_text() == "7"

        # Business metrics: every new metric of /api/metrics?metric=all is charted.
        page.wait_for_selector("#chart-metric-storage_bytes")
        for metric in NEW_METRICS:
            assert page.locator(f"#chart-metric-{metric}").get_attribute("data-points") == "1", (
                metric
            )
        missing = page.inner_text("#metrics p.muted")
        assert missing.endswith("storage_objects.") and "disputes_opened" not in missing
        no_markup_from_data(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "dashboard-panels.png"), full_page=True)
    finally:
        context.close()
    assert errors == [], errors


def test_nothing_stored_says_so(browser: Any, pg, monitor_template: str) -> None:
    """No drain data, no checks configured, no incidents: each panel says so, on a phone."""
    for name in _clone(pg, monitor_template):
        dev = DevServer({"DATABASE_URL": pg.url_for(name), "HEALTH_TOKEN": TOKEN})
        try:
            context, page, errors = open_dashboard(browser, dev.url, PHONE)
            try:
                page.wait_for_selector("#visitors .no-drain")
                assert "No Web Analytics drain data received yet" in page.inner_text("#visitors")
                assert page.locator("#visitors .figures, #visitors .rankings").count() == 0
                capacity = page.inner_text("#visitors .capacity-list")
                assert "not enough days of values" in capacity or "no limit configured" in capacity
                page.wait_for_selector("#checks .figures")
                assert "No [[checks]] configured" in page.inner_text("#checks")
                assert "No [[heartbeats]] configured" in page.inner_text("#checks")
                assert page.locator("#checks [data-uptime=carbot] .value").inner_text() == "no data"
                page.wait_for_selector("#communication .maintenance-list, #communication h3 + p")
                assert "No drafts waiting." in page.inner_text("#communication")
                assert "No open incident on the status page." in page.inner_text("#communication")
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= PHONE["width"], "no horizontal scrolling on a phone"
            finally:
                context.close()
            assert errors == [], errors
        finally:
            assert_no_secret(dev.close())
