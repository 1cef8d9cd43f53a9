"""The /dashboard in Debian's Chromium against seeded data: token prompt, charts, store down."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import psycopg
import pytest

from lib.doctor import CHECKS as DOCTOR_CHECKS
from tests.alerting import open_store, seed_episode
from tests.browser import ARTIFACTS
from tests.conftest import ROOT, SECRETS, DevServer, _clone, assert_no_secret
from tests.fakes.drains import body_of, request_log, span, traces
from tests.fakes.vercel import deployment_event, encode

TOKEN = SECRETS["HEALTH_TOKEN"]
LIBRARY = ROOT / "public" / "dashboard" / "vendor" / "uPlot.iife.min.js"
DESKTOP = {"width": 1280, "height": 1600}
PHONE = {"width": 390, "height": 844}
# When the one-bucket server's production deployment was promoted (whole seconds, as Vercel sends).
PROMOTED = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
# Panels fed by the drains and provider status (docs/endpoints.md, "The dashboard"): each must
# degrade, never break.
ELSEWHERE = ("#traffic", "#providers")


def yesterday() -> date:
    return datetime.now(ZoneInfo("Europe/Berlin")).date() - timedelta(days=1)


# metric -> (unit, day offsets before yesterday that have a value, value of day offset i)
SEEDS: dict[str, tuple[str, list[int]]] = {
    "uptime_pct": ("%", [i for i in range(400) if i % 11 != 5]),  # a gap every 11 days
    "leads": ("count", list(range(0, 400, 3))),
    "payment_success_pct": ("%", list(range(20))),  # only the last 20 days
    "avg_response_ms": ("ms", [i for i in range(60) if i not in (2, 3, 4)]),
}


def value(metric: str, offset: int) -> float:
    if metric == "uptime_pct":
        return 99.95 if offset % 7 else 99.5
    if metric == "avg_response_ms":
        return 320 + offset
    if metric == "payment_success_pct":
        return 97.0
    return 10 + offset % 5


def expected_points(metric: str, days: int) -> int:
    return sum(1 for offset in SEEDS[metric][1] if offset < days)


def seed_alerts_and_report(url: str) -> None:
    """One resolved critical episode, one open warning, and a stored weekly report."""
    from lib.core.config import load_settings
    from lib.core.monitor_config import MonitorConfig
    from lib.reports import periods
    from lib.reports import store as report_store
    from lib.reports.build import build_report
    from lib.store import Store
    from lib.store.postgres import PostgresTransport

    now = datetime.now(UTC)
    with Store(PostgresTransport(url, 5)) as db:
        start = now - timedelta(days=3)
        end = now - timedelta(days=3, hours=-2)
        seed_episode(db, "payment_failure_rate", start, end, announced=False, severity="critical")
        start = now - timedelta(hours=5)
        seed_episode(db, "cron_late:daily_metrics", start, announced=False, severity="warning")
        zone = ZoneInfo("Europe/Berlin")
        settings = load_settings(database_url=url)
        report = build_report(
            db, settings, MonitorConfig(), periods.latest("weekly", zone, now), now
        )
        report_store.save(db, report)


def seed(url: str) -> None:
    last = yesterday()
    rows = [
        (last - timedelta(days=offset), metric, value(metric, offset), unit)
        for metric, (unit, offsets) in SEEDS.items()
        for offset in offsets
    ]
    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cur:
        cur.executemany(
            "insert into monitoring_daily_metrics (day, metric, value, unit)"
            " values (%s, %s, %s, %s)",
            rows,
        )
        cur.execute(
            "insert into monitoring_cron_runs (job, started_at, finished_at, outcome)"
            " values ('health_check', now() - interval '3 minutes', now(), 'success')"
        )


@pytest.fixture(scope="module")
def library() -> None:
    """The charting library the build copies from npm (make dashboard); built here if missing."""
    if not LIBRARY.is_file():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True)
        subprocess.run(["npm", "run", "build"], cwd=ROOT, check=True)
    assert LIBRARY.stat().st_size > 10_000


@pytest.fixture(scope="module")
def server(pg, monitor_template: str, library: None) -> Iterator[DevServer]:
    for name in _clone(pg, monitor_template):
        url = pg.url_for(name)
        seed(url)
        seed_alerts_and_report(url)
        dev = DevServer({"DATABASE_URL": url, "HEALTH_TOKEN": TOKEN})
        yield dev
        assert_no_secret(dev.close())


def open_dashboard(browser: Any, url: str, viewport: dict[str, int]) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    # An API's 4xx/5xx is a state the page shows (console "Failed to load resource"); a missing
    # page asset, a script error or any other console error is a bug.
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            errors.append(f"HTTP {r.status} {r.url}")
            if r.status >= 400 and "/api/" not in r.url
            else None
        ),
    )
    page.goto(url + "/dashboard")
    return context, page, errors


def sign_in(page: Any, token: str) -> None:
    page.wait_for_selector("#login:not([hidden])")
    page.focus("#token")
    page.keyboard.type(token)
    page.keyboard.press("Enter")  # by keyboard: the form submits on Enter


def drawn(page: Any) -> dict[str, dict[str, int]]:
    """Every uPlot instance: points with a value in its data, days on its x axis, series."""
    return page.evaluate(
        """() => Object.fromEntries(Object.entries(window.carbotDashboard.charts).map(([id, u]) =>
             [id, {points: u.data[1].filter(v => v != null).length, days: u.data[0].length,
                   series: u.series.length, canvas: u.root.querySelector('canvas').width}]))"""
    )


def test_token_prompt_and_wrong_token(browser: Any, server: DevServer) -> None:
    context, page, errors = open_dashboard(browser, server.url, DESKTOP)
    try:
        assert page.is_visible("#login") and not page.is_visible("#main")
        assert page.evaluate("document.activeElement.id") == "token"
        sign_in(page, "not-the-token")
        page.wait_for_selector("#login-error:not([hidden])")
        assert page.inner_text("#login-error") == "That token was rejected. Try again."
        assert page.evaluate("sessionStorage.getItem('carbot.healthToken')") is None
        assert page.is_visible("#login") and not page.is_visible("#main")
        page.screenshot(path=str(ARTIFACTS / "dashboard-wrong-token.png"))
        sign_in(page, TOKEN)
        page.wait_for_selector("#chart-metric-uptime_pct")
        assert page.evaluate("sessionStorage.getItem('carbot.healthToken')") == TOKEN
        assert TOKEN not in page.url and context.cookies() == []
        page.reload()  # the token is asked once per tab: a reload goes straight in
        page.wait_for_selector("#chart-metric-uptime_pct")
        assert not page.is_visible("#login")
        page.click("#sign-out")
        assert page.is_visible("#login")
        assert page.evaluate("sessionStorage.getItem('carbot.healthToken')") is None
    finally:
        context.close()
    assert errors == [], errors


def test_a_late_answer_after_a_rejected_token_keeps_what_is_being_typed(
    browser: Any, server: DevServer
) -> None:
    """/api/status answering after the sign-out once chained /api/traffic with no token, and its
    401 signed out again, clearing the token being typed (seen as this file's flaky sign-in)."""
    context, page, errors = open_dashboard(browser, server.url, DESKTOP)
    held: list[Any] = []
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/traffic" in r.url else None)
    page.route("**/api/status", lambda route: held.append(route))
    try:
        sign_in(page, "not-the-token")
        page.wait_for_selector("#login-error:not([hidden])")
        for _ in range(250):  # the held /api/status request, within 5 s
            if held:
                break
            page.wait_for_timeout(20)
        assert held, "the sign-in asked for /api/status"
        page.focus("#token")
        page.keyboard.type("half-typed")
        with page.expect_response("**/api/status"):
            held[0].continue_()
        page.wait_for_timeout(300)  # time for a chained request to go out (none must)
        assert page.input_value("#token") == "half-typed"
        assert asked == []
    finally:
        context.close()
    assert errors == [], errors


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_dashboard_charts_tiles_and_doctor(
    browser: Any, server: DevServer, viewport: dict[str, int]
) -> None:
    context, page, errors = open_dashboard(browser, server.url, viewport)
    kind = "desktop" if viewport is DESKTOP else "phone"
    try:
        sign_in(page, TOKEN)
        page.wait_for_selector("#chart-metric-uptime_pct")
        page.wait_for_selector("#doctor .check")
        for days in (30, 90, 365):
            page.click(f"button[data-days='{days}']")
            assert page.get_attribute(f"button[data-days='{days}']", "aria-pressed") == "true"
            charts = drawn(page)
            for metric in SEEDS:
                expected = expected_points(metric, days)
                chart = charts.get(f"metric-{metric}")
                if expected == 0:
                    assert chart is None
                    continue
                assert chart is not None, f"{metric} not drawn for {days} days"
                assert (chart["points"], chart["days"]) == (expected, days), (metric, days)
                figure = page.locator(f"#chart-metric-{metric}")
                assert figure.get_attribute("data-points") == str(expected)
                assert chart["canvas"] > 200
            # the threshold line: a second series where the guide has a target
            assert charts["metric-uptime_pct"]["series"] == 3
            assert charts["metric-leads"]["series"] == 2
            if kind == "desktop":
                page.screenshot(
                    path=str(ARTIFACTS / f"dashboard-desktop-{days}d.png"), full_page=True
                )
        # Tiles: uptime 7 days has a 99.5 day in it (offset 0 is a multiple of 7): missed.
        uptime7 = page.locator(".tile[data-metric='uptime_pct'] .criterion[data-days='7']")
        assert "missed" in (uptime7.get_attribute("class") or "")
        response = page.locator(".tile[data-metric='avg_response_ms'] .criterion[data-days='30']")
        assert "met" in (response.get_attribute("class") or "")
        assert page.locator(".tile[data-metric='avg_response_ms'] .trend").count() >= 1
        error_rate = page.locator(".tile[data-metric='error_rate_pct'] .criterion[data-days='7']")
        assert error_rate.inner_text().startswith("no data")
        # Doctor: every item listed; the failing ones with their runbook.
        checks = page.locator("#doctor .check")
        assert checks.count() == len(DOCTOR_CHECKS)  # every item of lib/doctor
        assert (
            page.locator("#doctor .check[data-check='health_check_cron'] .badge").inner_text()
            == "pass"
        )
        assert page.locator("#doctor .check.fail details").count() >= 1
        # The alert timeline: both episodes with their severity; the latest reports.
        page.wait_for_selector("#alerts .episode")
        episodes = page.locator("#alerts .episode")
        assert episodes.count() == 2
        classes = {episodes.nth(i).get_attribute("class") for i in range(2)}
        assert classes == {"episode critical", "episode warning"}
        assert "still firing" in page.inner_text("#alerts .episode.warning")
        assert "lasted 120 min" in page.inner_text("#alerts .episode.critical")
        page.wait_for_selector("#report-weekly iframe")
        srcdoc = page.get_attribute("#report-weekly iframe", "srcdoc") or ""
        assert "Weekly" in srcdoc and page.get_attribute("#report-weekly iframe", "sandbox") == ""
        page.wait_for_selector("#report-monthly p")
        assert page.inner_text("#report-monthly") == "No monthly report stored yet."
        # Traffic and provider panels settle: a chart, a list, "no incidents" or "no data yet".
        for panel in ELSEWHERE:
            settled = (
                ".unavailable",
                ".chart",
                "ol",
                "ul",
                "p.ok",
                "iframe",
                "p.muted:not(:has-text('Loading'))",
            )
            page.wait_for_selector(", ".join(f"{panel} {kind}" for kind in settled))
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{kind}.png"), full_page=True)
        if kind == "phone":
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], "no horizontal scrolling on a phone"
    finally:
        context.close()
    assert errors == [], errors


def test_keyboard_reaches_every_control(browser: Any, server: DevServer) -> None:
    context, page, _ = open_dashboard(browser, server.url, DESKTOP)
    try:
        sign_in(page, TOKEN)
        page.wait_for_selector("#chart-metric-uptime_pct")
        seen = set()
        for _ in range(40):
            page.keyboard.press("Tab")
            seen.add(
                page.evaluate("document.activeElement.dataset.days || document.activeElement.id")
            )
        assert {"30", "90", "365", "csv", "refresh", "sign-out"} <= seen
        page.focus("button[data-days='90']")
        page.keyboard.press("Enter")
        assert page.get_attribute("button[data-days='90']", "aria-pressed") == "true"
        assert drawn(page)["metric-uptime_pct"]["days"] == 90
    finally:
        context.close()


def test_store_down_shows_a_banner_not_a_blank_page(browser: Any, library: None) -> None:
    dead = "postgresql://postgres:x@127.0.0.1:1/none"
    server = DevServer({"DATABASE_URL": dead, "HEALTH_TOKEN": TOKEN})
    try:
        context, page, errors = open_dashboard(browser, server.url, PHONE)
        try:
            sign_in(page, TOKEN)
            page.wait_for_selector("#banner:not([hidden])")
            assert page.inner_text("#banner").startswith(
                "The monitor's store is unavailable (store unavailable: connection refused)"
            )
            page.wait_for_selector("#metrics .unavailable")
            assert "Daily metrics unavailable" in page.inner_text("#metrics")
            page.wait_for_selector("#doctor .check")  # the doctor still answers, with findings
            item = page.locator("#doctor .check[data-check='supabase_schema']")
            # Seen once as "warn" in a loaded full run: the item's evidence says which path.
            assert item.locator(".badge").inner_text() == "fail", item.inner_text()
            assert page.is_visible("#main")
            page.screenshot(path=str(ARTIFACTS / "dashboard-store-down.png"), full_page=True)
        finally:
            context.close()
        assert errors == [], errors
    finally:
        assert_no_secret(server.close())


@pytest.fixture(scope="module")
def one_bucket_server(pg, monitor_template: str, library: None) -> Iterator[DevServer]:
    """One hour of traffic 3 hours ago (25 requests, 2 of them 500, 1.5 s each) and one production
    deployment promoted 2 hours ago, nothing else."""
    from lib.core.config import load_settings
    from lib.core.monitor_config import MonitorConfig
    from lib.deployments.store import record_event
    from lib.deployments.webhook import parse_event, store_event
    from lib.drains.receiver import receive

    for name in _clone(pg, monitor_template):
        url = pg.url_for(name)
        at = datetime.now(UTC) - timedelta(hours=3)
        logs = [request_log(at, status=500 if i < 2 else 200, n=i) for i in range(25)]
        settings = load_settings(database_url=url)
        with open_store(url) as store:
            for records in (logs, traces([span(at, 1500) for _ in range(25)])):
                receive(settings, MonitorConfig(), store, body_of(records)[0], None)
            for kind in ("deployment.created", "deployment.promoted"):
                event = deployment_event(kind, "dpl_marker1", PROMOTED)
                record_event(store, store_event(parse_event(encode(event)[0])))
        dev = DevServer({"DATABASE_URL": url, "HEALTH_TOKEN": TOKEN})
        yield dev
        assert_no_secret(dev.close())


# Per traffic chart: the x scale, the data, the x ticks, and each y label with its drawn width
# against the room the axis leaves it (a wider label is cut at the canvas edge).
TRAFFIC_AXES = """() => Object.fromEntries(Object.entries(window.carbotDashboard.charts)
  .filter(([id]) => id.startsWith("traffic-")).map(([id, u]) => {
    const y = u.axes[1];
    u.ctx.font = y.font[0];
    return [id, {min: u.scales.x.min, max: u.scales.x.max, length: u.data[0].length,
                 points: u.data[1].filter(v => v != null).length, xticks: u.axes[0]._splits,
                 room: y._size - y.ticks.size - y.gap,
                 ylabels: y._values.map(v => [v, u.ctx.measureText(v).width / uPlot.pxRatio])}];
  }))"""


def test_traffic_charts_span_the_window_with_one_bucket(
    browser: Any, one_bucket_server: DevServer
) -> None:
    token = {"Authorization": f"Bearer {TOKEN}"}
    body = httpx.get(one_bucket_server.url + "/api/traffic?window=24h", headers=token).json()
    start, end = (datetime.fromisoformat(body[k]).timestamp() for k in ("start", "end"))
    assert body["step_s"] == 3600 and len(body["series"]) == 1
    context, page, errors = open_dashboard(browser, one_bucket_server.url, DESKTOP)
    try:
        sign_in(page, TOKEN)
        page.wait_for_selector("#chart-traffic-p95")
        charts = page.evaluate(TRAFFIC_AXES)
        assert set(charts) == {"traffic-requests", "traffic-error-rate", "traffic-p95"}
        for chart_id, chart in charts.items():
            assert (chart["min"], chart["max"]) == (start, end), chart_id
            assert (chart["points"], chart["length"]) == (1, (end - start) // 3600), chart_id
            assert chart["xticks"] and all(start <= t <= end for t in chart["xticks"]), chart_id
            for label, width in chart["ylabels"]:
                assert width <= chart["room"], f"{chart_id}: {label} is cut off"
        p95 = [label for label, _ in charts["traffic-p95"]["ylabels"]]
        assert all(re.fullmatch(r"(\d{1,3},)?\d{1,3} ms", label) for label in p95), p95
        assert any("," in label for label in p95), "thousands: the labels that were cut"
        rate = page.locator(".tile[data-metric='error_rate_pct'] .criterion[data-source='traffic']")
        assert rate.inner_text() == "missed last 24h (traffic panel, Vercel drains): 8.00 %"
        source = page.inner_text(".tile[data-metric='error_rate_pct'] .source")
        assert "daily metric error_rate_pct" in source
        # The deployment markers: when /api/status's production deployment went live.
        markers = page.evaluate("window.carbotDashboard.deployments")
        assert markers == [PROMOTED.timestamp()], markers
        assert "Dashed violet lines: deployments." in page.inner_text("#traffic")
        page.screenshot(path=str(ARTIFACTS / "dashboard-one-bucket.png"), full_page=True)
        # 7 days: 6-hour steps counted from the epoch; the bucket still lands on one of them.
        week = httpx.get(one_bucket_server.url + "/api/traffic?window=7d", headers=token).json()
        start, end = (datetime.fromisoformat(week[k]).timestamp() for k in ("start", "end"))
        page.click("button[data-traffic='7d']")
        page.wait_for_function("() => window.carbotDashboard.trafficBody?.window === '7d'")
        for chart_id, chart in page.evaluate(TRAFFIC_AXES).items():
            assert chart["max"] == end and start - 6 * 3600 < chart["min"] <= start, chart_id
            assert chart["points"] == 1, chart_id
    finally:
        context.close()
    assert errors == [], errors
