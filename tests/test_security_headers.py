"""Security headers on every answer: functions (lib/core/http.py), pages (vercel.json) served by
the dev server from the same declaration; no inline script or style in any page."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from lib.core.errors import ConfigError
from tests.conftest import ROOT, SECRETS, DevServer, _clone, assert_no_secret, vendor_env
from tests.fakes.vendors import FakeOpenAI, FakeResend, FakeStripe

TOKEN = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
# What docs/endpoints.md promises on every function answer.
FUNCTION_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
VERCEL_JSON = ROOT / "vercel.json"
PAGES = ("/", "/status", "/dashboard", "/status/", "/dashboard/index.html")
ASSETS = (
    "/status/status.js",
    "/status/status.css",
    "/dashboard/dashboard.js",
    "/dashboard/dashboard.css",
    "/dashboard/report.css",
    "/dashboard/vendor/uPlot.iife.min.js",
    "/shared/core.js",
)
# Answers that depend on the token (the public /api/status and /api/health give more to a
# holder; the others answer 401 without it).
TOKEN_DEPENDENT = (
    "/api/status",
    "/api/health",
    "/api/metrics",
    "/api/traffic",
    "/api/alerts",
    "/api/criteria",
)


def functions() -> list[str]:
    """Every function of api/, as its URL path: a new endpoint is covered without editing this."""
    return sorted(
        "/" + str(path.relative_to(ROOT).with_suffix("")) for path in (ROOT / "api").rglob("*.py")
    )


def page_headers() -> dict[str, str]:
    (rule,) = json.loads(VERCEL_JSON.read_text())["headers"]
    return {h["key"]: h["value"] for h in rule["headers"]}


def directives(csp: str) -> dict[str, list[str]]:
    parts = (d.strip().split() for d in csp.split(";") if d.strip())
    return {name: values for name, *values in parts}


@pytest.fixture(scope="module")
def server(
    pg,
    monitor_template: str,
    fake_openai: FakeOpenAI,
    fake_stripe: FakeStripe,
    fake_resend: FakeResend,
) -> Iterator[DevServer]:
    for name in _clone(pg, monitor_template):
        dev = DevServer(vendor_env(fake_openai, fake_stripe, fake_resend, pg.url_for(name)))
        yield dev
        assert_no_secret(dev.close())


def assert_function_headers(response: httpx.Response) -> None:
    for name, value in FUNCTION_HEADERS.items():
        if name == "Content-Security-Policy" and response.headers.get(name) != value:
            csp = directives(response.headers[name])
            assert csp["default-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
            continue
        assert response.headers.get(name) == value, (response.url, name, response.headers)


@pytest.mark.parametrize("route", functions())
def test_every_function_answer_carries_the_headers(server: DevServer, route: str) -> None:
    # The handler's own answer (a cron is 401 without its secret, so nothing runs) and the
    # wrapper's: an unknown parameter (400) and a wrong method (405).
    own = server.get(route) if route.startswith("/api/cron") else server.get(route, headers=TOKEN)
    for response in (
        own,
        server.get(f"{route}?unknown=1"),
        server.request("PUT", route),
    ):
        assert_function_headers(response)


def test_vary_authorization_wherever_the_answer_depends_on_the_token(server: DevServer) -> None:
    for route in TOKEN_DEPENDENT:
        for headers in ({}, TOKEN):
            answer = server.get(route, headers=headers)
            names = [n.strip().lower() for n in answer.headers.get("vary", "").split(",")]
            assert "authorization" in names, (route, headers, answer.headers.get("vary"))
    # /api/status: public and CDN-cached without a token, private with one, and says so.
    public, private = server.get("/api/status"), server.get("/api/status", headers=TOKEN)
    assert "public" in public.headers["cache-control"]
    assert "private" in private.headers["cache-control"]
    # The badge never reads the token: its cache is shared by everyone.
    assert "authorization" not in server.get("/api/badge").headers.get("vary", "").lower()
    from lib.core.http import vary

    assert vary("Accept", "Authorization") == "Accept, Authorization"
    assert vary("authorization", "Authorization") == "authorization"


@pytest.mark.parametrize("path", PAGES + ASSETS + ("/no-such-page",))
def test_pages_carry_the_headers_vercel_json_declares(server: DevServer, path: str) -> None:
    answer = server.get(path)
    assert answer.status_code == (404 if path == "/no-such-page" else 200)
    for name, value in page_headers().items():
        assert answer.headers.get(name) == value, (path, name)


def test_the_page_policy() -> None:
    headers = page_headers()
    csp = directives(headers["Content-Security-Policy"])
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in headers["Content-Security-Policy"]
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["connect-src"] == ["'self'"]  # nothing can be sent elsewhere by a script
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    # The pages' rule never reaches a function; functions answer with their own.
    from lib.local.vercel_headers import headers_for

    assert headers_for(VERCEL_JSON, "/api/status") == {}
    assert headers_for(VERCEL_JSON, "/status") == headers


class Inline(HTMLParser):
    """Inline scripts, inline styles, handler attributes and javascript: URLs of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names:
            self._in = "script"
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"{tag} {name}")
            if name in ("href", "src") and (value or "").lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value}")

    def handle_data(self, data: str) -> None:
        if self._in == "script" and data.strip():
            self.found.append("inline <script>")

    def handle_endtag(self, tag: str) -> None:
        self._in = None


@pytest.mark.parametrize("page", sorted((ROOT / "public").rglob("*.html")), ids=str)
def test_no_inline_script_or_style_in_any_page(page: Path) -> None:
    parser = Inline()
    parser.feed(page.read_text())
    assert parser.found == []


def test_scripts_never_write_markup_or_urls_from_data() -> None:
    scripts = [p for p in (ROOT / "public").rglob("*.js") if "vendor" not in p.parts]
    assert len(scripts) >= 3, scripts  # the status page, the dashboard and their shared core
    for script in scripts:
        source = script.read_text()
        assert not re.search(
            r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write", source
        )
        # A URL is assigned only from the https rule's result (`link = httpsLink(...)`).
        assert set(re.findall(r"\.(?:href|src)\s*=(?!=)\s*([\w.]+)", source)) <= {"link"}
        assert "eval(" not in source and "new Function" not in source


def test_source_patterns() -> None:
    from lib.local.vercel_headers import source_regex

    assert source_regex("/((?!api/).*)").match("/status")
    assert not source_regex("/((?!api/).*)").match("/api/health")
    assert source_regex("/favicon.ico").match("/favicon.ico")
    assert not source_regex("/favicon.ico").match("/faviconXico")
    with pytest.raises(ConfigError, match="named parameters"):
        source_regex("/blog/:slug")
