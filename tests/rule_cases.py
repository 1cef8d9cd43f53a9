"""Seeds that put each default alert rule at threshold ± ε, shared by the rule and runbook tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import psycopg

from lib.store import Store
from tests.alerting import T0, YESTERDAY, seed_checks, seed_cron_success, seed_metrics

LOGINS = """
[alerts.failed_logins.source]
table = "login_attempts"
column = "attempted_at"
filter_column = "success"
filter_value = "false"
"""

Seed = Callable[[Store, str, bool], None]


def _payments(store: Store, url: str, fire: bool) -> None:
    failed = 501 if fire else 499  # 5.01 % / 4.99 % of 10,000
    seed_metrics(store, YESTERDAY, payments_failed=failed, payments_succeeded=10_000 - failed)


def _db_errors(store: Store, url: str, fire: bool) -> None:
    count = 11 if fire else 10
    start = T0 - timedelta(minutes=59)
    seed_checks(store, "database", [(start + timedelta(minutes=i * 5), "down") for i in range(12)])
    # Only `count` failures inside the last hour: the rest are older.
    with psycopg.connect(url) as conn:
        conn.execute(
            "update monitoring_health_checks set checked_at = checked_at - interval '2 hours' "
            "where id in (select id from monitoring_health_checks order by checked_at limit %s)",
            (12 - count,),
        )


def _unresponsive(store: Store, url: str, fire: bool) -> None:
    first = T0 - timedelta(seconds=121 if fire else 119)
    seed_checks(store, "database", [(T0 - timedelta(minutes=10), "ok"), (first, "down")])
    seed_checks(store, "database", [(T0, "down")])


def _logins(store: Store, url: str, fire: bool) -> None:
    with psycopg.connect(url) as conn:
        conn.execute("create table login_attempts (attempted_at timestamptz, success boolean)")
        rows = [(T0 - timedelta(seconds=30 + i * 60), False) for i in range(51 if fire else 50)]
        rows += [(T0 - timedelta(minutes=5), True)] * 20  # successful: not counted
        rows += [(T0 - timedelta(minutes=61), False)] * 20  # older than an hour: not counted
        with conn.cursor() as cur:
            cur.executemany("insert into login_attempts values (%s, %s)", rows)


def _openai(store: Store, url: str, fire: bool) -> None:
    seed_metrics(store, YESTERDAY - timedelta(days=1), openai_cost_usd=10.0)
    seed_metrics(store, YESTERDAY, openai_cost_usd=15.01 if fire else 14.99)


def _bounces(store: Store, url: str, fire: bool) -> None:
    seed_metrics(store, YESTERDAY, email_bounce_pct=10.01 if fire else 9.99)


def _query_time(store: Store, url: str, fire: bool) -> None:
    seed_checks(store, "database", [(T0, "degraded")], latency_ms=2001 if fire else 1999)


def _storage(store: Store, url: str, fire: bool) -> None:
    seed_metrics(store, YESTERDAY, db_storage_pct=80.01 if fire else 79.99)


def _disputes(store: Store, url: str, fire: bool) -> None:
    # 0.66 % / 0.64 % of 10,000 charges over the 30 days to yesterday; the day before them,
    # outside the window, would fire on its own.
    half = 33 if fire else 32
    seed_metrics(store, YESTERDAY, disputes_opened=half, payments_succeeded=5000)
    seed_metrics(
        store, YESTERDAY - timedelta(days=29), disputes_opened=half, payments_succeeded=5000
    )
    seed_metrics(store, YESTERDAY - timedelta(days=30), disputes_opened=500, payments_succeeded=500)


def _cron(store: Store, url: str, fire: bool) -> None:
    age = timedelta(hours=26, minutes=1 if fire else -1)
    seed_cron_success(url, "daily_metrics", T0 - age)
    seed_cron_success(url, "health_check", T0 - timedelta(minutes=5))


CASES: dict[str, tuple[Seed, str]] = {
    "payment_failure_rate": (_payments, "payment_failure_rate"),
    "database_connection_errors": (_db_errors, "database_connection_errors"),
    "service_unresponsive": (_unresponsive, "service_unresponsive:database"),
    "failed_logins": (_logins, "failed_logins"),
    "openai_cost_increase": (_openai, "openai_cost_increase"),
    "email_bounce_rate": (_bounces, "email_bounce_rate"),
    "database_query_time": (_query_time, "database_query_time"),
    "database_storage": (_storage, "database_storage"),
    "cron_late": (_cron, "cron_late:daily_metrics"),
    "dispute_rate": (_disputes, "dispute_rate"),
}
