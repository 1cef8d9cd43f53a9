"""Seeded weeks for the report tests: 2026-W43 (holds the end of DST, 169 hours) and the week
before it, with hand-computable figures (see the expectations in tests/test_reports.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import time_machine

from lib.core.config import Settings, load_settings
from lib.core.monitor_config import MonitorConfig
from lib.metrics.history import CheckHistory
from lib.metrics.runner import run_daily_metrics
from lib.reports.periods import Period, week_of
from lib.store import Store
from tests.alerting import seed_episode
from tests.conftest import SECRETS
from tests.fakes.billing import BillingStripe
from tests.fakes.vendors import FakeResend

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = week_of(date(2026, 10, 19), BERLIN)  # Mon 19 – Sun 25 Oct 2026; DST ends on the 25th
BEFORE = WEEK.previous()
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # well after both weeks

# Per day: (this week, the week before).
DAILY = {
    "leads": (10, 8),
    "chat_conversations": (50, 50),
    "payments_succeeded": (93, 97),
    "payments_failed": (7, 3),
    "revenue_cents": (10_000, 8_000),
    "revenue_cents_usd": (500, 0),
    "emails_sent": (100, 100),
    "emails_delivered": (97, 99),
    "emails_bounced": (3, 1),
    "requests": (1000, 1000),
    "requests_5xx": (5, 2),
    "function_crashes": (0, 0),
    "response_avg_ms": (400, 300),
    "openai_cost_usd": (2, 1),
}
CONFIG = """
[reports.support_tickets]
table = "support_tickets"
"""


def seed_metrics(store: Store, week: Period = WEEK, before: Period = BEFORE) -> None:
    rows = []
    for metric, (now_value, old_value) in DAILY.items():
        for days, value in ((week.days, now_value), (before.days, old_value)):
            rows += [{"day": d, "metric": metric, "value": value, "unit": "x"} for d in days]
    # Registrations: 3 a day this week but Sunday missing (part of the week without data).
    rows += [
        {"day": d, "metric": "registrations", "value": 3, "unit": "count"} for d in week.days[:-1]
    ]
    rows += [
        {"day": d, "metric": "registrations", "value": 2, "unit": "count"} for d in before.days
    ]
    store.upsert_daily_metrics(rows)
    # One slow day this week: Wednesday 700 ms instead of 400.
    store.upsert_daily_metrics(
        [{"day": week.days[2], "metric": "response_avg_ms", "value": 700, "unit": "ms"}]
    )


def seed_checks(url: str, week: Period = WEEK, before: Period = BEFORE) -> None:
    """One database check per UTC hour of both weeks; two down this week."""
    with psycopg.connect(url, autocommit=True) as conn:
        for period, down in ((week, 2), (before, 0)):
            conn.execute(
                """insert into monitoring_health_checks (checked_at, service, status, latency_ms)
                   select t, 'database', case when n < %s then 'down' else 'ok' end, 20
                   from generate_series(%s::timestamptz, %s::timestamptz - interval '1 hour',
                                        interval '1 hour') with ordinality as g(t, n)""",
                (down + 1, period.start, period.end),
            )


def seed_rollups(store: Store, days: list[date]) -> None:
    """The daily rows the daily metrics run wrote from the checks (`uptime_pct`, ...), at NOW."""
    settings = load_settings(database_url="postgresql://unused")
    sources = [CheckHistory()]
    with time_machine.travel(NOW, tick=True):
        run = run_daily_metrics(settings, store, MonitorConfig(), days, NOW.date(), sources)
    assert all("uptime_pct" in day.metrics for day in run.days), run


def seed_episodes(store: Store, week: Period = WEEK) -> None:
    """Payment failures Tuesday 10:00–14:00 local (resolved), bounces since Saturday (open)."""
    tuesday = datetime(2026, 10, 20, 10, 0, tzinfo=BERLIN)
    seed_episode(
        store,
        "payment_failure_rate",
        tuesday,
        tuesday + timedelta(hours=4),
        threshold=5,
        severity="critical",
        last_value=7.2,
        message="payment failure rate 7.2 % (> 5 %)",
    )
    saturday = datetime(2026, 10, 24, 8, 0, tzinfo=BERLIN)
    seed_episode(
        store,
        "email_bounce_rate",
        saturday,
        last_value=11.0,
        message="bounce rate 11 % (> 10 %)",
    )


def seed_tickets(url: str, week: Period = WEEK, before: Period = BEFORE) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create table public.support_tickets (id serial, created_at timestamptz)")
        for period, count in ((week, 4), (before, 6)):
            for i in range(count):
                conn.execute(
                    "insert into support_tickets (created_at) values (%s)",
                    (period.start + timedelta(hours=10 + i),),
                )


def seed_charges(stripe: BillingStripe, week: Period = WEEK) -> None:
    """Failed charges of the week: card_declined ×3, expired_card ×2 (and two succeeded)."""
    at = week.start + timedelta(days=1)
    for code in ("card_declined", "card_declined", "expired_card", "card_declined", "expired_card"):
        stripe.add_charge(at, status="failed")
        stripe.charges[-1]["failure_code"] = code
    stripe.add_charge(at)
    stripe.add_charge(at)
    stripe.add_charge(week.start - timedelta(days=2), status="failed")  # the week before


def report_settings(
    url: str,
    tmp: Path,
    stripe: BillingStripe,
    resend: FakeResend,
    config: str = CONFIG,
    **extra: object,
) -> Settings:
    path = tmp / "monitoring.toml"
    path.write_text(config)
    return load_settings(
        database_url=url,
        monitor_config=str(path),
        stripe_secret_key=SECRETS["STRIPE_SECRET_KEY"],
        stripe_api_base=stripe.url,
        resend_api_key=SECRETS["RESEND_API_KEY"],
        resend_api_url=resend.url,
        resend_domain="carbot.de",
        report_email_to="owners@carbot.de",
        alert_email_from="CarBot Monitor <monitor@carbot.de>",
        **extra,
    )


def seed_all(url: str, store: Store, stripe: BillingStripe) -> None:
    seed_metrics(store)
    seed_checks(url)
    seed_episodes(store)
    seed_tickets(url)
    seed_charges(stripe)
