"""The weekly report from seeded weeks in a real PostgreSQL (crossing the end of DST), its
figures and changes against hand-computed expectations, and every rendered form."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest

from lib.core.monitor_config import load_monitor_config
from lib.metrics.history import CHECKS_KEPT
from lib.reports.build import build_report
from lib.reports.common import error_rate, traffic_availability
from lib.reports.figures import Points
from lib.reports.model import Report
from lib.reports.render_html import html
from lib.reports.render_text import markdown, text
from tests.alerting import open_store
from tests.fakes.billing import BillingStripe
from tests.fakes.vendors import FakeResend
from tests.report_seed import BEFORE, NOW, WEEK, report_settings, seed_all, seed_rollups

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db

SECTIONS = ("Key Metrics", "Performance", "Business Health", "Issues & Resolutions")


@pytest.fixture(scope="module")
def stripe() -> Iterator[BillingStripe]:
    fake = BillingStripe()
    yield fake
    fake.close()


@pytest.fixture
def seeded(
    migrated_db: str, tmp_path: Path, stripe: BillingStripe, fake_resend: FakeResend
) -> Report:
    stripe.reset()
    settings = report_settings(migrated_db, tmp_path, stripe, fake_resend)
    with open_store(migrated_db) as store:
        seed_all(migrated_db, store, stripe)
        return build_report(store, settings, load_monitor_config(settings), WEEK, NOW)


def figures(report: Report) -> dict:
    return {f.key: f for s in report.sections for f in s.figures}


def test_weekly_figures_against_hand_computed_values(seeded: Report) -> None:
    f = figures(seeded)
    assert (seeded.period, seeded.previous_period) == ("2026-W43", "2026-W42")
    # 169 hourly checks: the week of 25 Oct 2026 is one hour longer (DST ends); 2 down.
    assert f["uptime_pct"].value == round(100 * 167 / 169, 3) == 98.817
    assert (f["uptime_pct"].previous, f["uptime_pct"].change) == (100.0, -1.183)
    assert f["availability_pct"].value == 99.5  # 35 5xx of 7,000 requests
    # Registrations: 3 a day on 6 days (Sunday has no data: said so, not counted as 0).
    reg = f["registrations"]
    assert (reg.value, reg.previous, reg.change, reg.change_pct) == (18, 14, 4, 28.6)
    assert reg.note == "data for 6 of 7 days"
    assert (f["leads"].value, f["leads"].change, f["leads"].change_pct) == (70, 14, 25.0)
    assert (f["revenue_cents"].value, f["revenue_cents"].previous) == (700.0, 560.0)
    assert f["revenue_cents"].unit == "EUR"
    assert "Revenue in other currencies: 35.00 USD" in seeded.sections[0].lines
    tickets = f["support_tickets"]
    assert (tickets.value, tickets.previous, tickets.change, tickets.change_pct) == (
        4,
        6,
        -2,
        -33.3,
    )
    # Response time weighted by requests: (6 × 400 + 700) / 7.
    assert f["response_avg_ms"].value == round(3100 / 7, 1) == 442.9
    assert f["response_avg_ms"].change_pct == round((3100 / 7 - 300) / 300 * 100, 1)
    assert (f["error_rate_pct"].value, f["error_rate_pct"].previous) == (0.5, 0.2)
    for vital in ("web_vitals_lcp_p75_ms", "web_vitals_inp_p75_ms", "web_vitals_cls_p75"):
        assert f[vital].value is None and f[vital].missing == "no data: no Speed Insights drain"
    assert (f["lead_conversion_pct"].value, f["lead_conversion_pct"].change) == (20.0, 4.0)
    assert (f["payment_success_pct"].value, f["payment_success_pct"].previous) == (93.0, 97.0)
    assert f["email_delivery_pct"].value == 97.0
    assert (f["openai_cost_usd"].value, f["openai_cost_usd"].change_pct) == (14.0, 100.0)


def test_every_criterion_met_or_missed_with_its_figure(seeded: Report) -> None:
    verdicts = {c.key: (c.value, c.met) for c in seeded.criteria}
    assert verdicts == {
        "uptime_pct": (98.817, False),
        "response_avg_ms": (442.9, True),
        "error_rate_pct": (0.5, True),
        "lead_conversion_pct": (20.0, True),
        "payment_success_pct": (93.0, False),
        "email_delivery_pct": (97.0, False),
    }
    assert seeded.headline == "3 of 6 criteria met"
    assert seeded.subject == "CarBot week 43: 3 of 6 criteria met"


def test_issues_list_every_overlapping_episode(seeded: Report) -> None:
    issues = next(s for s in seeded.sections if s.id == "issues")
    assert issues.table is not None
    rows = [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in issues.table.rows]
    assert rows == [
        (
            "payment_failure_rate",
            "critical",
            "Tue 20 Oct 10:00",
            "Tue 20 Oct 14:00",
            "4 h 0 min",
            "resolved",
        ),
        ("email_bounce_rate", "warning", "Sat 24 Oct 08:00", "-", "ongoing", "open"),
    ]
    assert issues.lines == ["2 alert episodes overlapped the week; 1 still open."]


def test_recommendations_carry_the_guides_steps_and_the_weeks_evidence(seeded: Report) -> None:
    by_procedure = {r.procedure: r for r in seeded.recommendations}
    assert set(by_procedure) == {"site_down", "payments", "email", "costs"}
    payments = by_procedure["payments"]
    assert payments.title == "Payment Processing Failures"
    assert payments.steps[0] == "Check Stripe dashboard for error details"
    assert "Payment success 93.0 % (target > 95 %)" in payments.evidence
    assert "top Stripe failure_code: card_declined ×3, expired_card ×2" in payments.evidence
    assert "49 failed payments" in payments.evidence
    assert "alert payment_failure_rate fired" in payments.trigger
    assert any(
        e.startswith("payment_failure_rate: 1 episode, longest 4 h 0 min")
        for e in payments.evidence
    )
    email = by_procedure["email"]
    assert "21 bounces (3.0 % of sent)" in email.evidence
    assert "sending domain: carbot.de verified" in email.evidence
    costs = by_procedure["costs"]
    assert costs.trigger == "OpenAI cost +100 % against the period before"
    assert costs.evidence[0] == "$14.00 vs $7.00"
    assert costs.evidence[1] == "Mon 19 Oct: $2.00"
    assert "2 of 169 checks failed" in by_procedure["site_down"].evidence


def test_markdown_and_text_hold_every_section(seeded: Report) -> None:
    md, txt = markdown(seeded), text(seeded)
    assert md.startswith("# CarBot Weekly Health Report, week 43\nDate: week of 19 October 2026\n")
    for title in (*SECTIONS, "Success Criteria", "Recommendations"):
        assert f"## {title}" in md
        assert title.upper() in txt
    assert "- MISSED Uptime > 99.9 %: 98.817 %" in md
    assert "  [MET] Response time < 500 ms: 443 ms" in txt
    assert "- New registrations: 18 (+4 (+28.6 %) vs previous; data for 6 of 7 days)" in md
    assert "- Support tickets: 4 (−2 (−33.3 %) vs previous)" in md
    assert "  LCP p75: no data: no Speed Insights drain" in txt
    assert "| payment_failure_rate | critical | Tue 20 Oct 10:00 |" in md
    assert "      1. Check Stripe dashboard for error details" in txt
    assert "<td" not in txt and "**" not in txt and "| ---" not in txt
    page = html(seeded)
    assert page.count("<section") == len(seeded.sections) + 2
    assert 'data-criterion="uptime_pct"' in page and "MISSED" in page


def build_after_pruning(
    url: str,
    tmp_path: Path,
    stripe: BillingStripe,
    resend: FakeResend,
    now: datetime,
    drop_rollup_of: str | None = None,
) -> Report:
    """The seeded weeks, their daily rollups written at the time, then the raw checks older than
    the retention pruned as the health check cron does, and the week's report built at `now`."""
    stripe.reset()
    settings = report_settings(url, tmp_path, stripe, resend)
    with open_store(url) as store:
        seed_all(url, store, stripe)
        seed_rollups(store, [*BEFORE.days, *WEEK.days])
        store.prune_checks(now - CHECKS_KEPT)
        if drop_rollup_of:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(
                    "delete from monitoring_daily_metrics where day = %s"
                    " and metric in ('uptime_pct', 'checks_failed')",
                    (drop_rollup_of,),
                )
        return build_report(store, settings, load_monitor_config(settings), WEEK, now)


def remaining_checks(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("select count(*) from monitoring_health_checks").fetchone()[0]


def test_a_pruned_week_reads_uptime_from_the_daily_rollups(
    migrated_db: str, tmp_path: Path, stripe: BillingStripe, fake_resend: FakeResend
) -> None:
    report = build_after_pruning(
        migrated_db, tmp_path, stripe, fake_resend, WEEK.end + timedelta(days=200)
    )
    assert remaining_checks(migrated_db) == 0, "every raw check of both weeks is pruned"
    uptime = figures(report)["uptime_pct"]
    # The same figures as from the raw checks: each day's uptime weighted by its hours
    # (Monday 22 of 24 up; Sunday 25 October has 25 hours), the week before all up.
    assert (uptime.value, uptime.previous, uptime.change) == (98.817, 100.0, -1.183)
    assert uptime.note == "from the daily rollups: raw checks are kept 90 days"
    assert next(c for c in report.criteria if c.key == "uptime_pct").met is False
    site_down = next(r for r in report.recommendations if r.procedure == "site_down")
    assert "2 checks failed (daily rollups)" in site_down.evidence


def test_a_partly_pruned_week_reads_all_its_days_from_the_rollups(
    migrated_db: str, tmp_path: Path, stripe: BillingStripe, fake_resend: FakeResend
) -> None:
    """Checks kept from Thursday on: Monday's two failures survive only in its rollup."""
    now = WEEK.start + timedelta(days=93)
    report = build_after_pruning(migrated_db, tmp_path, stripe, fake_resend, now)
    assert remaining_checks(migrated_db) == 24 * 3 + 25, "Thursday to Sunday (25 hours)"
    uptime = figures(report)["uptime_pct"]
    assert (uptime.value, uptime.previous) == (98.817, 100.0), "not 100 from the checks left"
    assert uptime.note == "from the daily rollups: raw checks are kept 90 days"


def test_a_partly_pruned_week_with_a_day_without_rollup_says_so(
    migrated_db: str, tmp_path: Path, stripe: BillingStripe, fake_resend: FakeResend
) -> None:
    now = WEEK.start + timedelta(days=93)
    saturday = str(WEEK.days[5])
    report = build_after_pruning(migrated_db, tmp_path, stripe, fake_resend, now, saturday)
    uptime = figures(report)["uptime_pct"]
    # Monday 91.667 % over 24 h, four more days of 24 h and Sunday's 25 h at 100 %.
    assert uptime.value == round(100 - (100 - 91.667) * 24 / (24 * 5 + 25), 3) == 98.621
    assert uptime.note == (
        "from the daily rollups: raw checks are kept 90 days; data for 6 of 7 days"
    )


def test_error_rate_and_availability_count_a_crash_and_its_500_once() -> None:
    """Days written since request counting (docs/traffic.md): a crashed request is in both
    requests_5xx (its proxy's 500) and function_crashes, but fails once in error_rate_pct."""
    days = [date(2026, 10, 19) + timedelta(days=i) for i in range(7)]
    before = [d - timedelta(days=7) for d in days]
    daily = {"requests": 1000.0, "requests_5xx": 4.0, "function_crashes": 4.0,
             "error_rate_pct": 0.4}  # fmt: skip
    points = Points({metric: {d: value for d in days} for metric, value in daily.items()})
    facts = SimpleNamespace(period=SimpleNamespace(days=days),
                            previous=SimpleNamespace(days=before), points=points)  # fmt: skip
    assert error_rate(facts).value == 0.4, "4 failed of 1,000, not 8"  # type: ignore[arg-type]
    assert traffic_availability(facts).value == 99.6  # type: ignore[arg-type]


def test_visitor_lines_appear_once_web_analytics_has_data(
    migrated_db: str, tmp_path: Path, stripe: BillingStripe, fake_resend: FakeResend
) -> None:
    stripe.reset()
    settings = report_settings(migrated_db, tmp_path, stripe, fake_resend)
    with open_store(migrated_db) as store:
        seed_all(migrated_db, store, stripe)
        assert "page_views" not in figures(
            build_report(store, settings, load_monitor_config(settings), WEEK, NOW, live=False)
        ), "no Web Analytics: no visitor lines"
        store.upsert_daily_metrics(
            [
                {"day": d, "metric": m, "value": v, "unit": "count"}
                for days, scale in ((WEEK.days, 2), (BEFORE.days, 1))
                for d in days
                for m, v in (
                    ("page_views", 100 * scale),
                    ("unique_visitors", 30 * scale),
                    ("sessions", 40 * scale),
                )
            ]
        )
        report = build_report(store, settings, load_monitor_config(settings), WEEK, NOW, live=False)
    f = figures(report)
    assert (f["page_views"].value, f["page_views"].previous) == (1400, 700)
    assert f["unique_visitors"].value == 420 and f["sessions"].value == 560
    assert "Visitors (daily uniques, summed)" in markdown(report)
