"""Debian's Chromium driven by Playwright, for page tests (never a browser download)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

# Screenshots for a human to look at; conftest's ROOT is not importable here (conftest imports us).
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Any]:
    """A launched browser; a missing Chromium fails loudly (never a skip)."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run scripts/ensure-chromium (make test does)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(
    browser: Any, url: str, prepare: Callable[[Any], None] | None = None, **context_options: Any
) -> tuple[Any, Any, list[str]]:
    """A page that records console errors, page errors, failed requests and HTTP errors.
    `prepare(context)` runs before the page loads (routes serving a seeded answer)."""
    context = browser.new_context(**context_options)
    if prepare is not None:
        prepare(context)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: Any) -> None:
        if message.type in ("error", "warning"):
            problems.append(f"console {message.type}: {message.text}")

    def on_response(response: Any) -> None:
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url}"))
    page.clock.install()  # the 60 s refresh is driven by a fake clock below
    page.goto(url + "/status")
    page.wait_for_selector("body[data-loaded=true]", timeout=10_000)
    return context, page, problems
