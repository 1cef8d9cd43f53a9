"""The weekly report's HTML e-mail rendered in a real headless Chromium and screenshotted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lib.core.monitor_config import load_monitor_config
from lib.reports.build import build_report
from lib.reports.render_html import html
from tests.alerting import open_store
from tests.browser import ARTIFACTS
from tests.fakes.billing import BillingStripe
from tests.fakes.vendors import FakeResend
from tests.report_seed import NOW, WEEK, report_settings, seed_all


@pytest.fixture(scope="module")
def stripe() -> Iterator[BillingStripe]:
    fake = BillingStripe()
    yield fake
    fake.close()


def test_weekly_email_in_chromium(
    browser: Any,
    migrated_db: str,
    tmp_path: Path,
    stripe: BillingStripe,
    fake_resend: FakeResend,
) -> None:
    stripe.reset()
    settings = report_settings(migrated_db, tmp_path, stripe, fake_resend)
    with open_store(migrated_db) as store:
        seed_all(migrated_db, store, stripe)
        report = build_report(store, settings, load_monitor_config(settings), WEEK, NOW)
    context = browser.new_context(viewport={"width": 800, "height": 1200})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    # Mail clients load nothing: the e-mail must not need the network at all.
    page.route("**/*", lambda route: (problems.append(route.request.url), route.abort()))
    try:
        page.set_content(html(report))
        assert page.title() == report.title
        assert page.inner_text("#headline") == "3 of 6 criteria met"
        rows = page.locator("#criteria tr[data-criterion]")
        assert rows.count() == 6
        verdicts = [rows.nth(i).locator("td").nth(2).inner_text() for i in range(6)]
        assert verdicts == ["MISSED", "MET", "MET", "MET", "MISSED", "MISSED"]
        missed = rows.first.locator("td").nth(2)
        assert missed.evaluate("td => getComputedStyle(td).color") == "rgb(185, 28, 28)"
        for section in report.sections:
            assert page.locator(f"section#{section.id} h2").inner_text() == section.title
        assert page.locator("#issues table tr").count() == 3  # header + two episodes
        assert page.locator("#recommendations > ul > li").count() == len(report.recommendations)
        lcp = page.locator('tr[data-figure="web_vitals_lcp_p75_ms"] td').nth(1)
        assert lcp.inner_text() == "no data: no Speed Insights drain"
        width = page.evaluate("document.querySelector('body > div').getBoundingClientRect().width")
        assert width == 720 + 2 * 24  # max-width plus padding: a readable column
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report-weekly-email.png"), full_page=True)
        assert problems == []
    finally:
        context.close()
