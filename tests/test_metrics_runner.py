"""The daily metrics runner and its sources: one bad vendor value never voids the day, a metric
without a unit is named and left out, an SDK that cannot read a body fails in our words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest

from lib.core.config import load_settings
from lib.core.monitor_config import load_monitor_config
from lib.metrics import SourceContext
from lib.metrics.runner import run_daily_metrics
from lib.store import Store
from lib.store.postgres import PostgresTransport
from tests.conftest import SECRETS
from tests.fakes import FakeRequest, Reply
from tests.fakes.billing import BillingStripe, MetricsResend

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date.today() - timedelta(days=20)  # within the accepted range, well settled
CRON = {"Authorization": f"Bearer {SECRETS['CRON_SECRET']}"}


def at(hour: int) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, tzinfo=BERLIN)


def stored(url: str) -> dict[str, tuple[float, str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select metric, value, unit from monitoring_daily_metrics where day = %s", (DAY,)
        ).fetchall()
    return {metric: (value, unit) for metric, value, unit in rows}


@pytest.fixture
def stripe() -> Iterator[BillingStripe]:
    fake = BillingStripe()
    yield fake
    fake.close()


def test_a_charge_with_a_bad_currency_leaves_the_day_written(
    dev_server, migrated_db: str, stripe: BillingStripe
) -> None:
    stripe.add_charge(at(9), "succeeded", 4900, "eur")
    stripe.add_charge(at(10), "succeeded", 2500, "USD")  # upper case is still ISO 4217
    stripe.add_charge(at(11), "succeeded", 1500, "euro")  # what Prism's mocks send
    stripe.add_charge(at(12), "failed", 4900, "€")
    env = {
        "DATABASE_URL": migrated_db,
        "CRON_SECRET": SECRETS["CRON_SECRET"],
        "STRIPE_SECRET_KEY": SECRETS["STRIPE_SECRET_KEY"],
        "STRIPE_API_BASE": stripe.url,
    }
    response = dev_server(env).get(f"/api/cron/daily_metrics?day={DAY}", headers=CRON)
    assert response.status_code == 200, response.text
    report = response.json()["days"][0]
    assert "stripe.charges" not in report["unavailable"]
    rows = stored(migrated_db)
    assert rows["payments_succeeded"] == (3, "count")
    assert rows["payments_failed"] == (1, "count")
    assert rows["revenue_cents"] == (4900, "cents")
    assert rows["revenue_cents_usd"] == (2500, "cents")
    assert not any("euro" in name for name in rows)


class Bogus:
    """A source that returns a metric the catalog does not know (no unit)."""

    name = "bogus"
    uses_store = False

    def missing(self, ctx: SourceContext) -> str | None:
        return None

    def collect(self, ctx: SourceContext) -> dict[str, float]:
        return {"bogus_metric": 1.0, "leads": 7.0}


def test_a_metric_without_a_unit_is_named_and_the_rest_written(migrated_db: str) -> None:
    settings = load_settings(database_url=migrated_db)
    with Store(PostgresTransport(migrated_db, timeout=5)) as store:
        run = run_daily_metrics(
            settings, store, load_monitor_config(settings), [DAY], DAY, [Bogus()], budget_s=10
        )
    assert run.days[0].unavailable == {"bogus_metric": "not a known metric (no unit); left out"}
    assert stored(migrated_db) == {"leads": (7.0, "count")}


class ListBodyResend(MetricsResend):
    """A 200 whose body is JSON the SDK cannot turn into a response object."""

    def _metrics(self, request: FakeRequest) -> Reply:
        return 200, ["not", "an", "object"]


def test_sdk_that_cannot_read_the_body_says_malformed_response(migrated_db: str) -> None:
    from lib.metrics.resend import ResendEmails

    resend = ListBodyResend()
    try:
        settings = load_settings(
            database_url=migrated_db,
            resend_api_key=SECRETS["RESEND_API_KEY"],
            resend_api_url=resend.url,
        )
        with Store(PostgresTransport(migrated_db, timeout=5)) as store:
            run = run_daily_metrics(
                settings,
                store,
                load_monitor_config(settings),
                [DAY],
                DAY,
                [ResendEmails()],
                budget_s=10,
            )
    finally:
        resend.close()
    assert run.days[0].unavailable == {"resend": "malformed response"}
