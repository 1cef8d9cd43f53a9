"""The daily metrics cron on real PostgreSQL with local fakes of Stripe, Resend and OpenAI, and
those fakes checked against the official shapes and pagination."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
import time_machine

from lib.core.config import Settings, load_settings
from lib.core.http import HttpError, Request, Response
from lib.jobs import cron_endpoint
from lib.jobs import daily_metrics as daily_module
from lib.jobs.daily_metrics import daily_metrics_job, daily_metrics_response
from lib.metrics import DayWindow, unit_of
from lib.store import Store
from tests.conftest import SECRETS, assert_no_secret
from tests.fakes.billing import BillingStripe, CostsOpenAI, MetricsResend
from tests.fakes.business import RiskStripe, UsageOpenAI
from tests.metrics_seed import recent_ordinary_day

BERLIN = ZoneInfo("Europe/Berlin")


DAY = recent_ordinary_day()
CRON = {"authorization": f"Bearer {SECRETS['CRON_SECRET']}"}


CARBOT_TABLES = ("workshops", "leads", "chat_conversations")


@pytest.fixture
def migrated_db(module_db: str, request: pytest.FixtureRequest) -> str:
    """The module's database, emptied for this test: as a fresh clone has it, in a fraction of a
    clone's time (tests/conftest.py). The CarBot tables a test created are dropped first, which
    leaves the template's schema (anything else changed: the database is cloned afresh)."""
    with psycopg.connect(module_db, autocommit=True) as conn:
        conn.execute("drop table if exists " + ", ".join(f"public.{t}" for t in CARBOT_TABLES))
    return request.getfixturevalue("emptied_module_db")


@pytest.fixture(scope="module")
def stripe() -> Iterator[BillingStripe]:
    fake = RiskStripe()  # charges, subscriptions, events, disputes, refunds, fraud warnings
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def resend() -> Iterator[MetricsResend]:
    fake = MetricsResend()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def openai() -> Iterator[CostsOpenAI]:
    fake = UsageOpenAI()  # costs and completion usage
    yield fake
    fake.close()


@pytest.fixture(autouse=True)
def _reset(stripe: BillingStripe, resend: MetricsResend, openai: CostsOpenAI) -> None:
    for fake in (stripe, resend, openai):
        fake.reset()


def settings_for(
    db: str, stripe: BillingStripe, resend: MetricsResend, openai: CostsOpenAI, **extra: Any
) -> Settings:
    values: dict[str, Any] = {
        "database_url": db,
        "cron_secret": SECRETS["CRON_SECRET"],
        "stripe_secret_key": SECRETS["STRIPE_SECRET_KEY"],
        "stripe_api_base": stripe.url,
        "resend_api_key": SECRETS["RESEND_API_KEY"],
        "resend_api_url": resend.url,
        "openai_admin_key": SECRETS["OPENAI_ADMIN_KEY"],
        "openai_base_url": openai.base_url,
        "db_storage_quota_mb": 1024,
    }
    values.update(extra)
    return load_settings(**values)


def cron(settings: Settings, headers: dict[str, str] | None = None, **query: str) -> Response:
    """The cron handler in-process; HttpError rendered as the endpoint would."""
    request = Request("GET", "/api/cron/daily_metrics", query, headers or CRON, settings)
    try:
        response = daily_metrics_response(request)
    except HttpError as error:
        response = Response(error.status, json.dumps({"error": error.message}).encode())
    assert_no_secret(response.body.decode())
    return response


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = BERLIN) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def create_carbot_tables(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for table in CARBOT_TABLES:
            conn.execute(
                f"create table public.{table} (id bigserial primary key, created_at timestamptz,"
                " channel text)"
            )
            conn.execute(f"create index on public.{table} (created_at)")


def insert_rows(url: str, table: str, moments: list[datetime]) -> None:
    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cur:
        cur.executemany(
            f"insert into public.{table} (created_at) values (%s)", [(m,) for m in moments]
        )


def stored(url: str) -> dict[tuple[str, str], float]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("select day, metric, value from monitoring_daily_metrics").fetchall()
    return {(str(day), metric): value for day, metric, value in rows}


def seed_day(
    url: str, stripe: BillingStripe, resend: MetricsResend, openai: CostsOpenAI, day: date
) -> None:
    """A known day: values computed by hand in test_exact_values_for_a_seeded_day."""
    insert_rows(url, "workshops", [at(day, 9), at(day, 15)])
    insert_rows(url, "leads", [at(day, h) for h in (8, 10, 12, 20)])
    insert_rows(url, "chat_conversations", [at(day, h, m) for h in range(8, 18) for m in (0, 30)])
    for hour in (9, 10, 11):
        stripe.add_charge(at(day, hour), "succeeded", 4900, "eur")
    stripe.add_charge(at(day, 12), "succeeded", 1500, "usd")
    stripe.add_charge(at(day, 13), "failed", 4900, "eur")
    stripe.add_charge(at(day, 14), "pending", 4900, "eur")
    stripe.add_charge(at(day - timedelta(days=1), 23, 59), "succeeded", 99999, "eur")  # not ours
    stripe.add_subscription(at(day, 9), "active")
    stripe.add_subscription(at(day, 10), "canceled")  # created and canceled the same day
    stripe.add_subscription(at(day + timedelta(days=1), 0, 1), "active")  # not ours
    stripe.add_event(at(day, 16), "customer.subscription.deleted")
    stripe.add_event(at(day, 17), "invoice.paid", delivered=False)
    stripe.add_event(at(day, 18), "charge.failed", delivered=False)
    stripe.add_event(at(day, 19), "charge.succeeded")
    resend.add_emails(at(day, 9), "sent", 40)
    resend.add_emails(at(day, 9, 5), "delivered", 38)
    resend.add_emails(at(day, 9, 6), "bounced", 2)
    resend.add_emails(at(day - timedelta(days=1), 23), "sent", 500)  # not ours
    openai.add_cost(datetime(day.year, day.month, day.day, 3, tzinfo=UTC), 1.25)
    openai.add_cost(datetime(day.year, day.month, day.day, 20, tzinfo=UTC), 0.75)
    with psycopg.connect(url, autocommit=True) as conn:
        for hour, status, latency in ((9, "ok", 100), (10, "ok", 300), (11, "down", None)):
            conn.execute(
                "insert into monitoring_health_checks (checked_at, service, status, latency_ms)"
                " values (%s, 'database', %s, %s)",
                (at(day, hour), status, latency),
            )
        conn.execute(
            "insert into monitoring_health_checks (checked_at, service, status, latency_ms)"
            " values (%s, 'stripe', 'ok', 200)",
            (at(day, 12),),
        )


def test_exact_values_for_a_seeded_day(
    migrated_db: str, stripe: BillingStripe, resend: MetricsResend, openai: CostsOpenAI
) -> None:
    create_carbot_tables(migrated_db)
    seed_day(migrated_db, stripe, resend, openai, DAY)
    response = cron(settings_for(migrated_db, stripe, resend, openai), day=str(DAY))
    assert response.status == 200, response.body
    body = json.loads(response.body)
    assert body["job"] == "daily_metrics" and body["timezone"] == "Europe/Berlin"
    [report] = body["days"]
    assert report["day"] == str(DAY) and report["hours"] == 24
    assert report["start"] == DayWindow.of(DAY, BERLIN).start.isoformat()
    assert report["unavailable"] == {}
    assert report["skipped"] == {
        "database": "a snapshot: measured only for the day that just ended",
        "supabase_storage": "a snapshot: measured only for the day that just ended",
        "deployments": "VERCEL_WEBHOOK_SECRET is not set (no deployment webhooks)",
        "supabase_platform": "a snapshot: measured only for the day that just ended",
        "supabase_auth_logs": "SUPABASE_ACCESS_TOKEN is not set",
        "vercel_drains": "no Vercel drain delivery stored yet",
        "synthetic_checks": "no [[checks]] in monitoring.toml",
    }
    expected = {
        "registrations": 2,
        "leads": 4,
        "chat_conversations": 20,
        "lead_conversion_pct": 20.0,
        "payments_succeeded": 4,
        "payments_failed": 1,
        "payment_success_pct": 80.0,
        "revenue_cents": 14700,
        "revenue_cents_usd": 1500,
        "subscriptions_new": 2,
        "subscriptions_canceled": 1,
        "stripe_webhook_failures": 2,
        "emails_sent": 40,
        "emails_delivered": 38,
        "emails_bounced": 2,
        "email_delivery_pct": 95.0,
        "email_bounce_pct": 5.0,
        "openai_cost_usd": 2.0,
        "cost_per_conversation_usd": 0.1,
        "uptime_pct": 75.0,
        "checks_failed": 1,
        "avg_response_ms": 200.0,
        "p95_response_ms": 290.0,
        # Issue 29's sources, on a day without disputes, refunds, warnings or token usage.
        "disputes_opened": 0,
        "dispute_amount_cents": 0,
        "refunds": 0,
        "refunded_cents": 0,
        "net_revenue_cents": 14700,
        "early_fraud_warnings": 0,
        "openai_input_tokens": 0,
        "openai_output_tokens": 0,
        "openai_cached_tokens": 0,
        "openai_requests": 0,
        "openai_tokens_per_conversation": 0.0,
    }
    assert report["metrics"] == expected
    assert stored(migrated_db) == {(str(DAY), k): float(v) for k, v in expected.items()}
    with psycopg.connect(migrated_db) as conn:
        units = dict(conn.execute("select metric, unit from monitoring_daily_metrics").fetchall())
        run = conn.execute("select job, outcome, summary from monitoring_cron_runs").fetchone()
    assert units["revenue_cents"] == "cents" and units["revenue_cents_usd"] == "cents"
    assert units["openai_cost_usd"] == "USD" and units["uptime_pct"] == "%"
    assert run[0] == "daily_metrics" and run[1] == "success"
    assert run[2]["days"][0]["metrics"]["leads"] == 4


@pytest.mark.parametrize(
    ("day", "hours"), [(date(2026, 10, 25), 25), (date(2026, 3, 29), 23)], ids=["25h", "23h"]
)
def test_dst_days_count_exactly_the_rows_inside(
    migrated_db: str,
    stripe: BillingStripe,
    resend: MetricsResend,
    openai: CostsOpenAI,
    day: date,
    hours: int,
) -> None:
    window = DayWindow.of(day, BERLIN)
    assert window.hours == hours
    start, end = window.start.astimezone(UTC), window.end.astimezone(UTC)
    second = timedelta(seconds=1)
    inside = [start, start + timedelta(hours=hours / 2), end - second]
    # Every hour of the local day, by UTC arithmetic: 25 or 23 of them.
    inside += [start + timedelta(hours=h, minutes=30) for h in range(hours)]
    outside = [start - second, end, end + timedelta(hours=1), start - timedelta(hours=1)]
    create_carbot_tables(migrated_db)
    insert_rows(migrated_db, "leads", inside + outside)
    for moment in inside + outside:
        stripe.add_charge(moment, "succeeded", 100, "eur")
    settings = settings_for(migrated_db, stripe, resend, openai)
    body = json.loads(cron(settings, day=str(day)).body)
    [report] = body["days"]
    assert report["hours"] == hours
    assert report["metrics"]["leads"] == len(inside) == hours + 3
    assert report["metrics"]["payments_succeeded"] == len(inside)
    assert report["metrics"]["revenue_cents"] == 100 * len(inside)


def test_a_failing_stripe_is_named_and_the_rest_is_written(
    migrated_db: str, stripe: BillingStripe, resend: MetricsResend, openai: CostsOpenAI
) -> None:
    create_carbot_tables(migrated_db)
    seed_day(migrated_db, stripe, resend, openai, DAY)
    stripe.mode = "500"
    body = json.loads(cron(settings_for(migrated_db, stripe, resend, openai), day=str(DAY)).body)
    [report] = body["days"]
    assert report["unavailable"] == {
        "stripe.charges": "server error 500",
        "stripe.subscriptions": "server error 500",
        "stripe.webhooks": "server error 500",
        "stripe.disputes": "server error 500",
        "stripe.refunds": "server error 500",
        "stripe.fraud_warnings": "server error 500",
    }
    metrics = report["metrics"]
    assert metrics["leads"] == 4 and metrics["emails_sent"] == 40
    assert metrics["openai_cost_usd"] == 2.0
    for absent in (
        "payments_succeeded",
        "revenue_cents",
        "payment_success_pct",
        "subscriptions_new",
    ):
        assert absent not in metrics
    rows = stored(migrated_db)
    assert (str(DAY), "leads") in rows and (str(DAY), "payments_succeeded") not in rows


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("401", "credentials rejected"),
        ("429", "rate limited"),
        ("garbage", "malformed response"),
    ],
)
def test_vendor_faults_are_named_with_their_reason(
    migrated_db: str,
    stripe: BillingStripe,
    resend: MetricsResend,
    openai: CostsOpenAI,
    mode: str,
    reason: str,
) -> None:
    create_carbot_tables(migrated_db)
    for fake in (stripe, resend, openai):
        fake.mode = mode
    settings = settings_for(migrated_db, stripe, resend, openai)
    body = json.loads(cron(settings, day=str(DAY)).body)
    [report] = body["days"]
    vendors = ("stripe.charges", "stripe.subscriptions", "stripe.webhooks", "resend", "openai")
    assert {name: report["unavailable"][name] for name in vendors} == dict.fromkeys(vendors, reason)
    assert report["metrics"]["leads"] == 0


def test_unreachable_vendors_and_a_missing_table(
    migrated_db: str, stripe: BillingStripe, resend: MetricsResend, openai: CostsOpenAI
) -> None:
    from tests.conftest import dead_url

    settings = settings_for(
        migrated_db,
        stripe,
        resend,
        openai,
        stripe_api_base=dead_url(),
        resend_api_url=dead_url(),
        openai_base_url=dead_url() + "/v1",
    )
    body = json.loads(cron(settings, day=str(DAY)).body)
    [report] = body["days"]
    unavailable = report["unavailable"]
    for name in ("stripe.charges", "resend", "openai"):
        assert unavailable[name] == "connection refused", name
    assert unavailable["carbot.leads"] == ("table public.leads or column created_at does not exist")
    assert report["skipped"]["health_checks"] == "no health check stored yet"
    assert report["metrics"] == {}
    assert stored(migrated_db) == {}, "nothing measured, nothing written"


def test_sources_without_credentials_are_skipped_and_absent(migrated_db: str) -> None:
    create_carbot_tables(migrated_db)
    insert_rows(migrated_db, "leads", [at(DAY, 10)])
    settings = load_settings(database_url=migrated_db, cron_secret=SECRETS["CRON_SECRET"])
    body = json.loads(cron(settings, day=str(DAY)).body)
    [report] = body["days"]
    assert report["skipped"] == {
        "database": "a snapshot: measured only for the day that just ended",
        "stripe.charges": "STRIPE_SECRET_KEY is not set",
        "stripe.subscriptions": "STRIPE_SECRET_KEY is not set",
        "stripe.webhooks": "STRIPE_SECRET_KEY is not set",
        "resend": "RESEND_API_KEY is not set",
        "openai": "OPENAI_ADMIN_KEY is not set",
        "deployments": "VERCEL_WEBHOOK_SECRET is not set (no deployment webhooks)",
        "supabase_platform": "a snapshot: measured only for the day that just ended",
        "supabase_auth_logs": "SUPABASE_ACCESS_TOKEN is not set",
        "vercel_drains": "no Vercel drain delivery stored yet",
        "health_checks": "no health check stored yet",
        "stripe.disputes": "STRIPE_SECRET_KEY is not set",
        "stripe.refunds": "STRIPE_SECRET_KEY is not set",
        "stripe.fraud_warnings": "STRIPE_SECRET_KEY is not set",
        "openai.usage": "OPENAI_ADMIN_KEY is not set",
        "supabase_storage": "a snapshot: measured only for the day that just ended",
        "synthetic_checks": "no [[checks]] in monitoring.toml",
    }
    assert report["metrics"] == {
        "leads": 1,
        "registrations": 0,
        "chat_conversations": 0,
    }, "no zero stands in for an unmeasured metric; a 0/0 ratio is absent"


def test_stripe_charges_over_several_pages(
    migrated_db: str, stripe: BillingStripe, resend: MetricsResend, openai: CostsOpenAI
) -> None:
    for index in range(250):
        stripe.add_charge(at(DAY, 8) + timedelta(seconds=index), "succeeded", 100 + index)
    stripe.add_charge(at(DAY, 23, 59), "failed", 100)
    settings = settings_for(migrated_db, stripe, resend, openai)
    body = json.loads(cron(settings, day=str(DAY)).body)
    metrics = body["days"][0]["metrics"]
    assert metrics["payments_succeeded"] == 250 and metrics["payments_failed"] == 1
    assert metrics["revenue_cents"] == sum(100 + i for i in range(250))
    pages = [r for r in stripe.requests if r.path == "/v1/charges"]
    assert len(pages) == 3
    assert [r.arg("limit") for r in pages] == ["100"] * 3
    assert pages[0].arg("starting_after") is None and pages[1].arg("starting_after")


def test_a_day_older_than_stripes_event_list_keeps_its_event_counts(
    migrated_db: str, stripe: BillingStripe, resend: MetricsResend, openai: CostsOpenAI
) -> None:
    """Stripe lists events of the last 30 days: recomputing an older day read its cancellations
    and undelivered webhooks as 0 over the values stored when the events were still listed."""
    old = DAY - timedelta(days=40)
    earlier = {"subscriptions_new": 4, "subscriptions_canceled": 3, "stripe_webhook_failures": 2}
    with Store.from_settings(load_settings(database_url=migrated_db)) as store:
        store.upsert_daily_metrics(
            [{"day": old, "metric": k, "value": v, "unit": "count"} for k, v in earlier.items()]
        )
    for hour in (9, 10, 11):
        stripe.add_event(at(old, hour), "customer.subscription.deleted")
    for hour in (14, 15, 16, 17):
        stripe.add_subscription(at(old, hour), "active")
    stripe.add_event(at(old, 12), "invoice.paid", delivered=False)
    stripe.add_charge(at(old, 13), "succeeded", 4900, "eur")  # charges are listed for ever
    settings = settings_for(migrated_db, stripe, resend, openai)
    [report] = json.loads(cron(settings, day=str(old)).body)["days"]
    rows = stored(migrated_db)
    assert {k: rows[(str(old), k)] for k in earlier} == earlier, "no 0 over the stored counts"
    reason = (
        "Stripe lists events of the last 30 days only (its stored metrics are left as they are)"
    )
    assert report["skipped"]["stripe.subscriptions"] == reason
    assert report["skipped"]["stripe.webhooks"] == reason
    metrics = report["metrics"]
    assert metrics["payments_succeeded"] == 1 and metrics["revenue_cents"] == 4900


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-13-01", "day must be a date as YYYY-MM-DD"),
        ("yesterday", "day must be a date as YYYY-MM-DD"),
        ("2026-1-5", "day must be a date as YYYY-MM-DD"),
        ("2999-01-01", "is in the future"),
    ],
)
def test_bad_day_is_a_400_and_records_no_run(migrated_db: str, value: str, message: str) -> None:
    settings = load_settings(database_url=migrated_db, cron_secret=SECRETS["CRON_SECRET"])
    response = cron(settings, day=value)
    assert response.status == 400
    assert message in json.loads(response.body)["error"]
    with psycopg.connect(migrated_db) as conn:
        assert conn.execute("select count(*) from monitoring_cron_runs").fetchone()[0] == 0


def test_today_has_not_ended(migrated_db: str) -> None:
    settings = load_settings(database_url=migrated_db, cron_secret=SECRETS["CRON_SECRET"])
    current = datetime.now(BERLIN).date()
    response = cron(settings, day=str(current))
    assert response.status == 400
    assert "has not ended yet in Europe/Berlin" in json.loads(response.body)["error"]


@pytest.mark.parametrize("token", [None, "wrong", SECRETS["CRON_SECRET"] + "x"])
def test_wrong_or_missing_secret_is_401(migrated_db: str, token: str | None) -> None:
    settings = load_settings(database_url=migrated_db, cron_secret=SECRETS["CRON_SECRET"])
    headers = {"authorization": f"Bearer {token}"} if token else {"x": "y"}
    response = cron(settings, headers, day="nonsense")
    assert response.status == 401, "the secret is checked before anything else"
    assert stored(migrated_db) == {}


def test_production_without_a_cron_secret_refuses(migrated_db: str) -> None:
    settings = load_settings(database_url=migrated_db, vercel_env="production")
    response = cron(settings, {}, day=str(DAY))
    assert response.status == 503
    assert "CRON_SECRET is not configured" in json.loads(response.body)["error"]
    assert stored(migrated_db) == {}


def test_twice_and_twice_concurrently_leave_one_row_per_metric_and_day(
    migrated_db: str, stripe: BillingStripe, resend: MetricsResend, openai: CostsOpenAI
) -> None:
    create_carbot_tables(migrated_db)
    seed_day(migrated_db, stripe, resend, openai, DAY)
    settings = settings_for(migrated_db, stripe, resend, openai)
    assert cron(settings, day=str(DAY)).status == 200
    first = stored(migrated_db)
    assert cron(settings, day=str(DAY)).status == 200
    statuses: list[int] = []
    threads = [
        threading.Thread(target=lambda: statuses.append(cron(settings, day=str(DAY)).status))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    assert stored(migrated_db) == first
    with psycopg.connect(migrated_db) as conn:
        count, distinct = conn.execute(
            "select count(*), count(distinct (day, metric)) from monitoring_daily_metrics"
        ).fetchone()
    assert count == distinct == len(first)


def test_backfill_after_three_missed_days(
    migrated_db: str, stripe: BillingStripe, resend: MetricsResend, openai: CostsOpenAI
) -> None:
    create_carbot_tables(migrated_db)
    now = datetime(2026, 11, 20, 0, 15, tzinfo=BERLIN)
    latest = date(2026, 11, 19)
    # Rows exist for every day of the week before, except 13, 14 and 16 November.
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        for offset in range(1, 9):
            day = latest - timedelta(days=offset)
            if day.day not in (13, 14, 16):
                conn.execute(
                    "insert into monitoring_daily_metrics (day, metric, value, unit)"
                    " values (%s, 'leads', 7, 'count')",
                    (day,),
                )
    insert_rows(migrated_db, "leads", [at(date(2026, 11, 14), 12)] * 3)
    settings = settings_for(migrated_db, stripe, resend, openai)
    with time_machine.travel(now, tick=True):
        body = json.loads(cron(settings).body)
    computed = [d["day"] for d in body["days"]]
    assert computed == ["2026-11-19", "2026-11-18", "2026-11-13", "2026-11-14", "2026-11-16"]
    assert body["deferred"] == []
    by_day = {d["day"]: d for d in body["days"]}
    assert by_day["2026-11-14"]["metrics"]["leads"] == 3
    assert "db_size_bytes" in by_day["2026-11-19"]["metrics"], "the day that just ended"
    assert "database" in by_day["2026-11-13"]["skipped"]
    rows = stored(migrated_db)
    assert rows[("2026-11-14", "leads")] == 3
    assert rows[("2026-11-15", "leads")] == 7, "a day with rows is left alone"
    assert rows[("2026-11-12", "leads")] == 7
    assert rows[("2026-11-19", "db_storage_pct")] > 0


def test_scheduled_run_evaluates_the_daily_alert_rules(
    migrated_db: str, stripe: BillingStripe, resend: MetricsResend, openai: CostsOpenAI
) -> None:
    create_carbot_tables(migrated_db)
    seed_day(migrated_db, stripe, resend, openai, DAY)
    stripe.add_charge(at(DAY, 21), "failed", 4900, "eur")  # 2 of 6 payments failed: 33 %
    settings = settings_for(migrated_db, stripe, resend, openai)
    with time_machine.travel(at(DAY + timedelta(days=1), 0, 15), tick=True):
        body = json.loads(cron(settings).body)
        recompute = json.loads(cron(settings, day=str(DAY - timedelta(days=3))).body)
    assert body["days"][0]["day"] == str(DAY)
    assert body["days"][0]["metrics"]["payment_success_pct"] == 66.67
    alerts = body["alerts"]["alerts"]
    assert alerts["payment_failure_rate"]["state"] == "firing"
    assert alerts["email_bounce_rate"]["state"] == "ok"
    assert "alerts" not in recompute, "recomputing an older day judges nothing"


class KillConnections:
    """A source that cuts the store's database connections, as if the database went away."""

    name = "database_goes_away"
    uses_store = True

    def __init__(self, url: str) -> None:
        self.url = url

    def missing(self, ctx: object) -> None:
        return None

    def collect(self, ctx: object) -> dict[str, float]:
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(
                "select pg_terminate_backend(pid) from pg_stat_activity"
                " where application_name = 'carbot-monitor'"
            )
        return {}


def test_database_failure_mid_run_writes_nothing_and_is_5xx(
    migrated_db: str,
    stripe: BillingStripe,
    resend: MetricsResend,
    openai: CostsOpenAI,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    create_carbot_tables(migrated_db)
    seed_day(migrated_db, stripe, resend, openai, DAY)
    sources = (*daily_module.SOURCES, KillConnections(migrated_db))
    monkeypatch.setattr(daily_module, "SOURCES", sources)
    response = cron(settings_for(migrated_db, stripe, resend, openai), day=str(DAY))
    assert response.status == 503
    error = json.loads(response.body)["error"]
    assert f"nothing was written for {DAY}" in error
    assert "monitoring_upsert_daily_metrics" in error
    assert stored(migrated_db) == {}
    with psycopg.connect(migrated_db) as conn:
        outcome = conn.execute("select outcome, error from monitoring_cron_runs").fetchone()
    assert outcome[0] == "failure" and "nothing was written" in outcome[1]


def test_the_job_is_the_one_the_endpoint_runs(migrated_db: str) -> None:
    """cron_endpoint + daily_metrics_job: run bookkeeping around the summary."""
    settings = load_settings(database_url=migrated_db, cron_secret=SECRETS["CRON_SECRET"])
    request = Request("GET", "/", {"day": str(DAY)}, CRON, settings)
    response = cron_endpoint("daily_metrics", daily_metrics_job)(request)
    body = json.loads(response.body)
    assert response.status == 200 and body["run_id"] >= 1
    with Store.from_settings(settings) as store:
        assert store.cron_status()["daily_metrics"].last_outcome == "success"


def test_over_real_http(
    dev_server, migrated_db: str, stripe: BillingStripe, resend: MetricsResend, openai: CostsOpenAI
) -> None:
    create_carbot_tables(migrated_db)
    seed_day(migrated_db, stripe, resend, openai, DAY)
    server = dev_server(
        {
            **SECRETS,
            "DATABASE_URL": migrated_db,
            "STRIPE_API_BASE": stripe.url,
            "RESEND_API_URL": resend.url,
            "OPENAI_BASE_URL": openai.base_url,
        }
    )
    path = f"/api/cron/daily_metrics?day={DAY}"
    assert server.get(path).status_code == 401
    assert server.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401
    response = server.get(path, headers={"Authorization": f"Bearer {SECRETS['CRON_SECRET']}"})
    assert_no_secret(response.text)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    metrics = body["days"][0]["metrics"]
    assert metrics["revenue_cents"] == 14700
    whole = [k for k in metrics if unit_of(k) in ("count", "cents", "bytes")]
    assert len(whole) == 21 and all(type(metrics[k]) is int for k in whole), metrics
    assert body["days"][0]["unavailable"] == {}
    post = server.request("POST", path)
    assert post.status_code == 405


def test_a_hanging_vendor_is_bounded_and_later_days_are_deferred(
    migrated_db: str, stripe: BillingStripe, resend: MetricsResend, openai: CostsOpenAI
) -> None:
    from lib.metrics.runner import run_daily_metrics

    create_carbot_tables(migrated_db)
    stripe.mode = "hang"
    settings = settings_for(migrated_db, stripe, resend, openai)
    days = [DAY, DAY - timedelta(days=1), DAY - timedelta(days=2)]
    started = time.monotonic()
    with Store.from_settings(settings) as store:
        run = run_daily_metrics(
            settings, store, daily_module.load_rules(settings).config, days, DAY,
            daily_module.SOURCES, budget_s=1.5,
        )  # fmt: skip
    assert time.monotonic() - started < 4, "bounded by the run budget, not the 60 s hang"
    [report] = run.days
    for name in ("stripe.charges", "stripe.subscriptions", "stripe.webhooks"):
        assert report.unavailable[name].startswith("timeout"), report.unavailable
    assert report.metrics["leads"] == 0 and report.metrics["emails_sent"] == 0
    assert run.deferred == days[1:], "left for the next run"
    assert set(day for day, _ in stored(migrated_db)) == {str(DAY)}


def test_the_whole_run_through_supabase_matches_direct_postgres(
    migrated_db: str,
    supabase_db: str,
    postgrest: object,
    stripe: BillingStripe,
    resend: MetricsResend,
    openai: CostsOpenAI,
) -> None:
    from tests.conftest import SERVICE_KEY

    reports = {}
    for transport, url in (("postgres", migrated_db), ("supabase", supabase_db)):
        stripe.reset(), resend.reset(), openai.reset()
        create_carbot_tables(url)
        with psycopg.connect(url, autocommit=True) as conn:  # Supabase's default privileges
            if conn.execute("select 1 from pg_roles where rolname = 'service_role'").fetchone():
                conn.execute("grant select on all tables in schema public to service_role")
        seed_day(url, stripe, resend, openai, DAY)
        extra: dict[str, Any] = {}
        if transport == "supabase":
            extra = {
                "database_url": None,
                "supabase_url": postgrest.url,  # type: ignore[attr-defined]
                "supabase_service_role_key": SERVICE_KEY,
            }
        settings = settings_for(url, stripe, resend, openai, **extra)
        response = cron(settings, day=str(DAY))
        assert response.status == 200, response.body
        reports[transport] = json.loads(response.body)["days"][0]
        assert stored(url) == {
            (str(DAY), k): float(v) for k, v in reports[transport]["metrics"].items()
        }
    calls = set(postgrest.calls)  # type: ignore[attr-defined]
    assert {
        "monitoring_count_rows",
        "monitoring_uptime",
        "monitoring_upsert_daily_metrics",
    } <= calls
    assert reports["supabase"]["unavailable"] == {}
    assert reports["supabase"]["metrics"] == reports["postgres"]["metrics"]
    assert reports["supabase"]["metrics"]["uptime_pct"] == 75.0
