"""public/shared/core.js, the status page's and the dashboard's shared module, run in Chromium:
one number rule, times in the product's zone with the zone named, text-only elements, the one
https-link rule and the API client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import SECRETS, DevServer, assert_no_secret

TOKEN = SECRETS["HEALTH_TOKEN"]


@pytest.fixture(scope="module")
def core(browser: Any) -> Iterator[Any]:
    """A page of the dev server (no store needed) with the module imported as `window.core`."""
    server = DevServer({"HEALTH_TOKEN": TOKEN})
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(server.url + "/")
        page.evaluate("async () => { window.core = await import('/shared/core.js'); }")
        yield page
        assert errors == []
    finally:
        context.close()
        assert_no_secret(server.close())


def run(page: Any, expression: str) -> Any:
    return page.evaluate(f"() => {{ const c = window.core; return {expression}; }}")


@pytest.mark.parametrize(
    ("call", "shown"),
    [
        # Percentages: two decimals rounded down, German by default.
        ("c.formatNumber(99.999, '%')", "99,99 %"),
        ("c.formatNumber(99.899, '%')", "99,89 %"),
        ("c.formatNumber(99.95, '%')", "99,95 %"),
        ("c.formatNumber(100, '%')", "100,00 %"),
        ("c.formatNumber(8, '%', 'en-GB')", "8.00 %"),
        ("c.formatNumber(99.999, '%', 'en-GB')", "99.99 %"),
        # Other units: 2/1/0 decimals below 10/100/above, grouped as the locale writes.
        ("c.formatNumber(1234.5, 'ms')", "1.235 ms"),
        ("c.formatNumber(1234.5, 'ms', 'en-GB')", "1,235 ms"),
        ("c.formatNumber(12.345, 'ms')", "12,3 ms"),
        ("c.formatNumber(0.1234, 'score')", "0,12 score"),
        ("c.formatNumber(42, 'count')", "42"),
        ("c.formatNumber(12345678, 'bytes')", "11,8 MiB"),
        ("c.formatNumber(null, '%')", "–"),
        ("c.formatNumber(NaN, 'ms')", "–"),
    ],
)
def test_one_number_rule(core: Any, call: str, shown: str) -> None:
    assert run(core, call) == shown


@pytest.mark.parametrize(
    ("call", "shown"),
    [
        # The product's zone and language by default, the zone named (winter and summer time).
        ("c.formatTime('2026-12-06T10:00:00Z')", "06.12.2026, 11:00 MEZ"),
        ("c.formatTime('2026-07-01T10:00:00Z')", "01.07.2026, 12:00 MESZ"),
        ("c.formatTime('2026-12-06T10:00:00Z', {locale: 'en-GB'})", "06/12/2026, 11:00 CET"),
        ("c.formatTime('2026-12-06T23:30:00Z', {locale: 'en-GB'})", "07/12/2026, 00:30 CET"),
        (
            "c.formatTime('2026-12-06T10:00:00Z', {zone: 'America/New_York', locale: 'en-GB'})",
            "06/12/2026, 05:00 GMT-5",
        ),
        (
            "c.formatTime(Date.UTC(2026, 11, 6, 10, 0, 5), {seconds: true})",
            "06.12.2026, 11:00:05 MEZ",
        ),
        ("c.formatTime(null)", "–"),
        ("c.formatTime('not a time')", "–"),
        # An API day is a day in the product's zone: never shifted by the browser's.
        ("c.formatDay('2026-09-08')", "08.09.2026"),
        ("c.formatDay('2026-09-08', 'en-GB')", "08/09/2026"),
        ("c.formatDay('<b>')", "–"),
        ("c.zoneLabel({at: Date.UTC(2026, 11, 6)})", "Europe/Berlin (MEZ)"),
        # A time typed in the product's zone, as the UTC instant the API takes.
        ("c.zonedToUtc('2026-12-08T02:00')", "2026-12-08T01:00:00.000Z"),
        ("c.zonedToUtc('2026-07-01T12:00')", "2026-07-01T10:00:00.000Z"),
        ("c.zonedToUtc('2026-03-29T03:30')", "2026-03-29T01:30:00.000Z"),
        ("c.zonedToUtc('2026-12-08T02:00', 'America/New_York')", "2026-12-08T07:00:00.000Z"),
        ("c.zonedToUtc('tomorrow')", None),
        ("c.zoneLabel({locale: 'en-GB', at: Date.UTC(2026, 6, 1)})", "Europe/Berlin (CEST)"),
    ],
)
def test_times_in_the_products_zone(core: Any, call: str, shown: str) -> None:
    assert run(core, call) == shown


def test_elements_are_text_and_links_follow_one_rule(core: Any) -> None:
    made = core.evaluate(
        """() => {
          const c = window.core;
          const a = c.el("a", {class: "x", text: "<img src=x onerror=alert(1)>\\u202egnp",
                               href: "javascript:alert(1)"}, " and ", "<b>child</b>");
          const ok = c.el("a", {href: "https://status.example.com/i/1", text: "ok"});
          const path = c.el("a", {href: "/api/status/feed.atom", text: "feed"});
          const other = c.el("a", {href: "//evil.example/x", text: "x"});
          const titled = c.el("span", {title: "x\u202egnp", "aria-label": "a\\nb"});
          const long = c.el("p", {text: "A".repeat(2000)});
          const message = c.el("p", {text: "A".repeat(2000), limit: 1000});
          let refused = [];
          for (const name of ["onclick", "style", "src", "srcdoc", "formaction"]) {
            try { c.el("div", {[name]: "x"}); } catch (e) { refused.push(name); }
          }
          return {html: a.innerHTML, children: a.children.length, href: a.getAttribute("href"),
                  ok: ok.getAttribute("href"), path: path.getAttribute("href"),
                  other: other.getAttribute("href"), long: long.textContent.length,
                  message: message.textContent.length, refused,
                  title: titled.getAttribute("title"), label: titled.getAttribute("aria-label")};
        }"""
    )
    assert made["children"] == 0 and made["href"] is None
    assert "&lt;img" in made["html"] and "\ufffdgnp" in made["html"] and "&lt;b&gt;" in made["html"]
    assert made["ok"] == "https://status.example.com/i/1"
    assert made["path"] == "/api/status/feed.atom" and made["other"] is None
    assert (made["long"], made["message"]) == (500, 1000)
    assert (made["title"], made["label"]) == ("x\ufffdgnp", "a b")
    assert made["refused"] == ["onclick", "style", "src", "srcdoc", "formaction"]
    links = [
        "https://ok.example/a?b=c",
        "http://plain.example/",
        "https://user:pw@host.example/",
        "https://host.example/\u202eevil",
        "https://host.example/a b",
        "javascript:alert(1)",
        "https:/x",
    ]
    checked = core.evaluate("links => links.map(l => window.core.httpsLink(l))", links)
    assert checked == ["https://ok.example/a?b=c", None, None, None, None, None, None]


def test_api_client_answers_and_rejections(core: Any) -> None:
    result = core.evaluate(
        """async (token) => {
          const c = window.core;
          const rejected = [];
          let current = "wrong";
          const client = c.apiClient({token: () => current, onRejected: (s) => rejected.push(s)});
          let thrown = null;
          try { await client.get("/api/criteria"); }
          catch (e) { thrown = e instanceof c.Unauthorized; }
          current = token;
          const ok = await client.get("/api/criteria");
          const missing = await c.apiClient().get("/api/nothing-here");
          current = null;
          let signedOut = null;
          try { await client.get("/api/criteria"); }
          catch (e) { signedOut = e instanceof c.Unauthorized; }
          return {rejected, thrown, ok: [ok.status, ok.body.timezone], signedOut,
                  missing: [missing.status, missing.error, c.failureText(missing, "Incidents")]};
        }""",
        TOKEN,
    )
    assert result["rejected"] == [401] and result["thrown"] is True
    assert result["ok"] == [200, "Europe/Berlin"]
    assert result["signedOut"] is True
    sentence = "Incidents: not available in this deployment yet."
    assert result["missing"] == [404, "not found", sentence]
