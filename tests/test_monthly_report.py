"""The monthly business report: MRR from the fake Stripe's subscriptions (validated against the
official spec), churn, retention, feature usage, satisfaction, costs and technical debt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from lib.core.monitor_config import load_monitor_config
from lib.reports.build import build_report
from lib.reports.model import Report
from lib.reports.periods import month_of
from lib.reports.render_text import markdown, text
from lib.reports.stripe import Subscription, monthly_amount
from tests.alerting import open_store
from tests.conftest import SECRETS
from tests.fakes.billing import BillingStripe
from tests.fakes.shapes import validate_response
from tests.fakes.vendors import FakeResend
from tests.local_http import LOCAL_HTTP
from tests.report_seed import BERLIN, NOW, report_settings

OCTOBER = month_of(date(2026, 10, 1), BERLIN)  # 31 days, the end of DST on the 25th
CONFIG = """
[reports.activity]
table = "chat_conversations"
id_column = "workshop_id"

[reports.satisfaction]
table = "feedback"
positive_column = "positive"

[reports.feature_usage.appointments]
table = "appointments"

[reports.feature_usage.invoices]
table = "invoices"
"""


@pytest.fixture(scope="module")
def stripe() -> Iterator[BillingStripe]:
    fake = BillingStripe()
    yield fake
    fake.close()


def add_subscription(
    stripe: BillingStripe, amount: int, interval: str, currency: str = "eur"
) -> None:
    stripe.add_subscription(OCTOBER.start, status="active")
    price = stripe.subscriptions[-1]["items"]["data"][0]["price"]
    price.update(unit_amount=amount, unit_amount_decimal=str(amount), currency=currency)
    price["recurring"] = {**price["recurring"], "interval": interval, "interval_count": 1}


def seed_carbot(url: str) -> None:
    """Workshops active in September and October (retention), feedback, feature rows."""
    sept = datetime(2026, 9, 10, 12, tzinfo=BERLIN)
    octo = datetime(2026, 10, 10, 12, tzinfo=BERLIN)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create table chat_conversations (workshop_id int, created_at timestamptz)")
        conn.execute("create table feedback (positive boolean, created_at timestamptz)")
        conn.execute("create table appointments (created_at timestamptz)")
        for workshop in range(10):  # 10 active in September, 9 of them again in October
            conn.execute("insert into chat_conversations values (%s, %s)", (workshop, sept))
            if workshop < 9:
                conn.execute("insert into chat_conversations values (%s, %s)", (workshop, octo))
        conn.execute("insert into chat_conversations values (42, %s)", (octo,))  # new one
        for i in range(20):  # 19 of 20 positive in October = 95 %
            conn.execute("insert into feedback values (%s, %s)", (i != 0, octo))
        for i in range(30):
            conn.execute("insert into appointments values (%s)", (octo + timedelta(hours=i),))


@pytest.fixture
def report(
    migrated_db: str, tmp_path: Path, stripe: BillingStripe, fake_resend: FakeResend
) -> Report:
    stripe.reset()
    add_subscription(stripe, 4900, "month")
    add_subscription(stripe, 4900, "month")
    add_subscription(stripe, 58800, "year")  # 49 € a month
    add_subscription(stripe, 2000, "month", "usd")
    stripe.add_subscription(OCTOBER.start, status="canceled")
    seed_carbot(migrated_db)
    settings = report_settings(migrated_db, tmp_path, stripe, fake_resend, config=CONFIG)
    with open_store(migrated_db) as store:
        rows = []
        for day in OCTOBER.days:
            rows += [
                {"day": day, "metric": "registrations", "value": 1, "unit": "count"},
                {"day": day, "metric": "openai_cost_usd", "value": 3.1, "unit": "USD"},
                {"day": day, "metric": "chat_conversations", "value": 10, "unit": "count"},
            ]
        rows += [
            {"day": OCTOBER.days[3], "metric": "subscriptions_new", "value": 1, "unit": "count"},
            {
                "day": OCTOBER.days[9],
                "metric": "subscriptions_canceled",
                "value": 1,
                "unit": "count",
            },
        ]
        for day in OCTOBER.previous().days:
            rows.append({"day": day, "metric": "openai_cost_usd", "value": 1.5, "unit": "USD"})
            rows.append({"day": day, "metric": "chat_conversations", "value": 10, "unit": "count"})
        store.upsert_daily_metrics(rows)
        return build_report(store, settings, load_monitor_config(settings), OCTOBER, NOW)


def test_fake_stripe_lists_answer_in_the_official_shape(stripe: BillingStripe) -> None:
    stripe.reset()
    add_subscription(stripe, 58800, "year")
    stripe.add_charge(OCTOBER.start, status="failed")
    auth = {"Authorization": f"Bearer {SECRETS['STRIPE_SECRET_KEY']}"}
    subs = LOCAL_HTTP.get(stripe.url + "/v1/subscriptions?status=active", headers=auth).json()
    validate_response("stripe", "GET", "/v1/subscriptions", 200, subs)
    charges = LOCAL_HTTP.get(stripe.url + "/v1/charges", headers=auth).json()
    validate_response("stripe", "GET", "/v1/charges", 200, charges)
    assert monthly_amount(Subscription.model_validate(subs["data"][0])) == {"EUR": 49.0}


def test_monthly_sections_and_figures(report: Report) -> None:
    f = {fig.key: fig for s in report.sections for fig in s.figures}
    assert report.title == "CarBot Monthly Business Report, October 2026"
    assert report.subject.startswith("CarBot October 2026: ")
    assert [s.id for s in report.sections] == [
        "user_growth",
        "retention",
        "revenue",
        "lead_conversion",
        "feature_usage",
        "satisfaction",
        "costs",
        "health",
        "technical_debt",
    ]
    growth = report.sections[0]
    assert f["registrations"].value == 31
    assert growth.table is not None and growth.table.rows[0] == ["2026-W40", "01 Oct–04 Oct", "4"]
    assert growth.table.rows[-1] == ["2026-W44", "26 Oct–31 Oct", "6"]
    assert f["mrr_eur"].value == 147.0  # 49 + 49 + 588/12
    assert f["subscriptions_active"].value == 4
    assert "MRR in other currencies: 20.00 USD" in report.sections[2].lines
    assert f["churn_pct"].value == 25.0  # 1 canceled of (4 − 1 new + 1 canceled)
    assert f["retention_pct"].value == 90.0  # 9 of 10 September workshops active again
    assert f["satisfaction_pct"].value == 95.0
    assert f["feature:appointments"].value == 30
    assert f["feature:invoices"].missing == (
        "no data: the table of feature invoices or its column does not exist"
    )
    assert f["openai_cost_usd"].value == round(31 * 3.1, 2)
    assert f["openai_cost_usd"].previous == 45.0
    assert f["cost_per_conversation_usd"].value == 0.31
    assert f["cost_per_conversation_usd"].previous == 0.15
    assert {c.key for c in report.criteria} >= {"retention_pct", "satisfaction_pct"}
    assert next(c for c in report.criteria if c.key == "retention_pct").met is True
    costs = next(r for r in report.recommendations if r.procedure == "costs")
    assert costs.trigger.startswith("OpenAI cost +")


def test_monthly_forms_hold_every_section(report: Report) -> None:
    md, txt = markdown(report), text(report)
    for section in report.sections:
        assert f"## {section.title}" in md and section.title.upper() in txt
    assert "- MRR (active subscriptions, per month): €147.00" in md
    assert "Slow queries" in txt and "p95 response time" in txt


def test_a_pruned_month_reads_uptime_from_the_daily_rollups(
    migrated_db: str, tmp_path: Path, stripe: BillingStripe, fake_resend: FakeResend
) -> None:
    """October rebuilt in June: its raw checks are long pruned, its daily rows are not."""
    settings = report_settings(migrated_db, tmp_path, stripe, fake_resend, config=CONFIG)
    rows = [
        {"day": day, "metric": "uptime_pct", "value": 100.0, "unit": "%"} for day in OCTOBER.days
    ]
    rows[24]["value"] = 96.0  # Sunday 25 October, 25 hours long
    rows += [
        {"day": day, "metric": "uptime_pct", "value": 99.5, "unit": "%"}
        for day in OCTOBER.previous().days
    ]
    rows.append({"day": OCTOBER.days[24], "metric": "checks_failed", "value": 12, "unit": "count"})
    with open_store(migrated_db) as store:
        store.upsert_daily_metrics(rows)
        built = build_report(
            store,
            settings,
            load_monitor_config(settings),
            OCTOBER,
            datetime(2027, 6, 1, 9, tzinfo=BERLIN),
            live=False,
        )
    health = next(s for s in built.sections if s.id == "health")
    uptime = next(f for f in health.figures if f.key == "uptime_pct")
    hours = 30 * 24 + 25
    assert uptime.value == round((30 * 24 * 100 + 25 * 96) / hours, 3) == 99.866
    assert (uptime.previous, uptime.missing) == (99.5, None)
    assert uptime.note == "from the daily rollups: raw checks are kept 90 days"
    assert "- Uptime (probes): 99.866 %" in markdown(built)


def test_feature_usage_lists_the_custom_events_of_the_month(
    migrated_db: str, tmp_path: Path, stripe: BillingStripe, fake_resend: FakeResend
) -> None:
    """CarBot's track() calls, from the Web Analytics drain's hours of the month only."""
    settings = report_settings(migrated_db, tmp_path, stripe, fake_resend, config=CONFIG)
    inside, before = OCTOBER.start + timedelta(days=3), OCTOBER.start - timedelta(hours=1)
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute(
            "insert into monitoring_analytics_hours values ('hour', %s, 'events', '', 60)",
            (inside,),
        )
        for at, name, n in (
            (inside, "chat_started", 30),
            (inside, "invoice_sent", 10),
            (inside + timedelta(days=20), "chat_started", 20),
            (before, "invoice_sent", 500),  # September: not this month's usage
        ):
            conn.execute(
                "insert into monitoring_analytics_hours values ('hour', %s, 'event', %s, %s)"
                " on conflict (grain, dimension, at, value) do update set count = excluded.count",
                (at, name, n),
            )
    with open_store(migrated_db) as store:
        built = build_report(
            store, settings, load_monitor_config(settings), OCTOBER, NOW, live=False
        )
    usage = next(s for s in built.sections if s.id == "feature_usage")
    assert usage.table is not None
    assert usage.table.rows == [
        ["chat_started", "50", "83.3 %"],
        ["invoice_sent", "10", "16.7 %"],
    ]
    assert "Custom event" in markdown(built)
    health = next(s for s in built.sections if s.id == "health")
    assert "Capacity: Bandwidth (billing cycle): no figure; no quota set" in health.lines
    assert any(line.startswith("Capacity: Database size: ") for line in health.lines)
