"""A short metrics series and the health token, shared by the metrics API and export tests; the
day the daily metrics tests measure."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg

from lib.metrics import DayWindow
from tests.conftest import SECRETS

TOKEN = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
BERLIN = ZoneInfo("Europe/Berlin")


def seed_series(url: str, yesterday: date) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for offset, value in ((0, 12), (1, 9), (3, 4), (40, 99)):
            conn.execute(
                "insert into monitoring_daily_metrics (day, metric, value, unit)"
                " values (%s, 'leads', %s, 'count')",
                (yesterday - timedelta(days=offset), value),
            )
        conn.execute(
            "insert into monitoring_daily_metrics (day, metric, value, unit)"
            " values (%s, 'uptime_pct', 99.95, '%%')",
            (yesterday,),
        )


def recent_ordinary_day() -> date:
    """A 24-hour day of the week before: Stripe lists events of the last 30 days only (and the
    fake does too), so a fixed date would become a skipped day a month later."""
    day = datetime.now(BERLIN).date() - timedelta(days=5)
    while DayWindow.of(day, BERLIN).hours != 24:
        day -= timedelta(days=1)
    return day
