"""Days a store-fed daily metric source cannot measure (lib/metrics/coverage.py): before its
first data they are absent and named, never 0; after it an empty day is a real 0; a day whose
raw rows are pruned is skipped and its stored metrics kept. Webhooks, drains and the cron go
through the dev server over HTTP into real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest
import time_machine

from lib.jobs import daily_metrics as job
from lib.metrics import DayWindow
from lib.metrics.runner import run_daily_metrics
from tests.alerting import open_store, settings_for
from tests.conftest import SECRETS, DevServer, assert_no_secret
from tests.fakes import drains, vercel

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db

BERLIN = ZoneInfo("Europe/Berlin")
CRON = {"authorization": f"Bearer {SECRETS['CRON_SECRET']}"}


def local_today() -> date:
    return datetime.now(BERLIN).date()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)


def utc(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


@pytest.fixture(scope="module")
def monitor_server(module_db: str) -> Iterator[DevServer]:
    """One dev server for the module (a start is 0.3 s idle, seconds under load); its log must
    not contain a secret either."""
    server = DevServer(
        {
            "DATABASE_URL": module_db,
            "CRON_SECRET": SECRETS["CRON_SECRET"],
            "VERCEL_WEBHOOK_SECRET": vercel.SECRET,
            "VERCEL_DRAIN_SECRET": drains.SECRET,
            "VERCEL_VERIFY_TOKEN": drains.VERIFY,
        }
    )
    yield server
    assert_no_secret(server.close())


@pytest.fixture
def monitor(monitor_server: DevServer, migrated_db: str) -> DevServer:
    """The module's server over its database, emptied for this test."""
    return monitor_server


def daily_run(server: DevServer) -> dict[str, dict]:
    """The scheduled run (yesterday, the day before, missed days): {day: its report}."""
    response = server.get("/api/cron/daily_metrics", headers=CRON)
    assert response.status_code == 200, response.text
    assert_no_secret(response.text)
    return {d["day"]: d for d in response.json()["days"]}


def stored(db: str, metric: str) -> dict[str, float]:
    with psycopg.connect(db) as conn:
        rows = conn.execute(
            "select day, value from monitoring_daily_metrics where metric = %s", (metric,)
        ).fetchall()
    return {str(day): value for day, value in rows}


def deliver_webhook(server: DevServer, event: dict) -> None:
    body, headers = vercel.encode(event)
    answer = server.request("POST", "/api/webhooks/vercel", content=body, headers=headers)
    assert answer.status_code == 200, answer.text


def test_the_eight_days_before_the_first_webhook_are_absent_not_0(
    migrated_db: str, monitor: DevServer
) -> None:
    server = monitor
    yesterday = local_today() - timedelta(days=1)
    eight = [str(yesterday - timedelta(days=i)) for i in range(8)]

    # The webhook is configured, nothing was delivered yet: eight days, none of them a 0.
    first_run = daily_run(server)
    assert sorted(first_run) == sorted(eight)
    assert stored(migrated_db, "deployments") == {}, "no deployments = 0 before any webhook"
    for day in eight:
        assert first_run[day]["skipped"]["deployments"] == "no Vercel webhook event stored yet"
        assert "deployments" not in first_run[day]["metrics"]

    # The first webhook: a production deployment three days ago, built and ready.
    first_day = local_today() - timedelta(days=3)
    created = at(first_day, 10)
    deliver_webhook(server, vercel.deployment_event("deployment.created", "dpl_first1", created))
    deliver_webhook(
        server,
        vercel.deployment_event("deployment.succeeded", "dpl_first1", at(first_day, 10, 4)),
    )
    second_run = daily_run(server)
    before = [day for day in eight if day < str(first_day)]
    assert len(before) == 5
    for day in before:
        reason = f"the day ended before the first Vercel webhook event ({utc(created)})"
        assert second_run[day]["skipped"]["deployments"] == reason
    assert stored(migrated_db, "deployments") == {
        str(first_day): 1.0,
        # After the first event a day without a deployment is a real 0.
        str(first_day + timedelta(days=1)): 0.0,
        str(first_day + timedelta(days=2)): 0.0,
    }
    assert stored(migrated_db, "build_success_pct") == {str(first_day): 100.0}, (
        "no finished build: no success rate, not 0 %"
    )


def test_days_before_the_first_drain_delivery_are_absent_after_it_real_zeros(
    migrated_db: str, monitor: DevServer
) -> None:
    server = monitor
    first_day = local_today() - timedelta(days=3)
    first = at(first_day, 10)
    logs = [drains.request_log(first, f"/api/leads/{i}", n=i) for i in range(40)]
    logs.append(drains.request_log(first, "/api/leads/x", 500, n=99))
    body, headers = drains.body_of(logs)
    answer = server.request("POST", "/api/drains/vercel", content=body, headers=headers)
    assert answer.status_code == 200, answer.text

    run = daily_run(server)
    quiet = [str(first_day + timedelta(days=i)) for i in (1, 2)]
    assert stored(migrated_db, "requests") == {str(first_day): 41.0, **dict.fromkeys(quiet, 0.0)}
    hour = first.replace(minute=0)
    for offset in range(4, 9):
        day = str(local_today() - timedelta(days=offset))
        reason = f"the day ended before the first Vercel drain delivery ({utc(hour)})"
        assert run[day]["skipped"]["vercel_drains"] == reason
        assert "requests" not in run[day]["metrics"]
    assert run[str(first_day)]["metrics"]["requests"] == 41
    assert run[str(first_day)]["metrics"]["requests_5xx"] == 1
    for day in quiet:
        metrics = run[day]["metrics"]
        assert metrics["requests_5xx"] == 0 and metrics["function_crashes"] == 0
        assert "error_rate_pct" not in metrics, "0 of 0 requests is no error rate"
        assert "response_avg_ms" not in metrics


def test_a_day_whose_checks_are_partly_pruned_keeps_its_rollup(migrated_db: str) -> None:
    """The health check cron prunes checks older than 90 days; recomputing a day whose morning
    is pruned would replace its uptime with the afternoon's."""
    day = date(2026, 8, 10)
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        for hour in range(24):  # one check an hour, down at 06:00: 23 of 24 up
            conn.execute(
                "insert into monitoring_health_checks (checked_at, service, status, latency_ms)"
                " values (%s, 'database', %s, 50)",
                (at(day, hour), "down" if hour == 6 else "ok"),
            )
    settings = settings_for(migrated_db, cron_secret=SECRETS["CRON_SECRET"])
    config = job.load_rules(settings).config
    with open_store(migrated_db) as store:
        # The night after: the whole day is there.
        with time_machine.travel(at(day + timedelta(days=1), 0, 15), tick=True):
            run = run_daily_metrics(settings, store, config, [day], day, job.SOURCES)
        assert run.days[0].metrics["uptime_pct"] == round(100 * 23 / 24, 3)
        # 90 days later, at noon: the morning's checks are pruned, the afternoon's are left.
        later = DayWindow.of(day, BERLIN).start + timedelta(days=90, hours=12)
        with time_machine.travel(later, tick=True):
            assert store.prune_checks(later - timedelta(days=90)) == 12
            again = run_daily_metrics(settings, store, config, [day], day, job.SOURCES)
    assert stored(migrated_db, "uptime_pct") == {str(day): round(100 * 23 / 24, 3)}
    assert stored(migrated_db, "checks_failed") == {str(day): 1.0}
    assert again.days[0].skipped["health_checks"] == (
        "pruned after 90 days: the day's health check rows are gone"
        " (its stored metrics are left as they are)"
    )
