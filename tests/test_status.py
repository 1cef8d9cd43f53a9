"""Status summary arithmetic on seeded history (gaps, local days, windows) on real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from lib.core.config import load_settings
from lib.endpoints.status import StatusBody, fetch_summary, load_status
from lib.store import Store
from lib.store.postgres import PostgresTransport
from lib.store.supabase import SupabaseTransport
from tests.conftest import SERVICE_KEY

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # 13:00 in Berlin (UTC+1 in November)
H = timedelta(hours=1)
D = timedelta(days=1)
# Berlin days 2026-11-23 and 2026-11-24 have no check at all: the monitor did not run.
GAP = (datetime(2026, 11, 22, 23, 0, tzinfo=UTC), datetime(2026, 11, 24, 23, 0, tzinfo=UTC))


def check(service: str, at: datetime, status: str = "ok", latency: int | None = 10) -> dict:
    return {
        "service": service,
        "status": status,
        "latency_ms": None if status == "down" else latency,
        "reason": "timeout" if status == "down" else None,
        "checked_at": at,
    }


def seeded_checks() -> list[dict]:
    rows = []
    # database, last 24 h: hourly at :30, down at 10:30 and 06:30 → 22 of 24 up, 10 ms.
    for i in range(24):
        at = NOW - timedelta(minutes=30) - i * H
        rows.append(check("database", at, "down" if i in (1, 5) else "ok", 10))
    # database, 24 h to 7 d: hourly, all up at 20 ms, except the gap (48 checks missing) → 96.
    for k in range(144):
        at = NOW - timedelta(hours=24, minutes=30) - k * H
        if not GAP[0] <= at < GAP[1]:
            rows.append(check("database", at, "ok", 20))
    # database, 8 to 29 days ago: daily at 12:00 UTC, one down (10 days ago) → 21 of 22 up, 30 ms.
    for d in range(8, 30):
        rows.append(check("database", NOW - d * D, "down" if d == 10 else "ok", 30))
    rows.append(check("database", NOW - 31 * D, "down"))  # outside 30 d, inside the 90-day bars
    # email: up two hours ago, down five minutes ago (not critical → degraded overall).
    rows.append(check("email", NOW - 2 * H, "ok", 100))
    rows.append(check("email", NOW - timedelta(minutes=5), "down"))
    # stripe: a single check 40 days ago → in the history, but its last check is stale.
    rows.append(check("stripe", NOW - 40 * D, "ok", 200))
    # A check after NOW is ignored (clock skew between cron instances).
    rows.append(check("database", NOW + timedelta(minutes=1), "down"))
    return rows


@pytest.fixture
def seeded(migrated_db: str) -> str:
    with Store(PostgresTransport(migrated_db, 5)) as db:
        db.record_checks(seeded_checks())
        db.alert_cas(
            "payment_failure_rate",
            0,
            {
                "state": "firing",
                "severity": "critical",
                "since": (NOW - 3 * H).isoformat(),
                "message": "7.3% of 1,234 payments failed (revenue at risk)",
            },
        )
        db.alert_cas("weekly_summary", 0, {"state": "firing", "severity": "info"})
        db.alert_cas(
            "service_unresponsive:stripe",
            0,
            {"state": "firing", "severity": "critical", "since": (NOW - H).isoformat()},
        )
        db.alert_cas("email_bounce_rate", 0, {"state": "ok", "severity": "warning"})
        db.alert_cas(
            "db_storage",
            0,
            {"state": "firing", "severity": "warning", "since": (NOW - 2 * D).isoformat()},
        )
    return migrated_db


def status_of(url: str, now: datetime = NOW, **overrides: object) -> StatusBody:
    settings = load_settings(database_url=url, **overrides)
    body, answered = load_status(settings, now)
    assert answered
    return body


def test_windows_per_service_and_overall(seeded: str) -> None:
    body = status_of(seeded)
    database = body.services["database"]
    assert database.status == "operational"
    assert database.checked_at == NOW - timedelta(minutes=30)
    assert database.latency_ms == 10
    # 22/24, 118/120, 139/142 (the gap counts neither up nor down), rounded down to 0.001.
    assert database.uptime.model_dump(by_alias=True) == {"24h": 91.666, "7d": 98.333, "30d": 97.887}
    # Average of the answered checks: 10; (22·10 + 96·20)/118; (2140 + 21·30)/139.
    assert database.avg_response_ms.model_dump(by_alias=True) == {
        "24h": 10.0,
        "7d": 18.1,
        "30d": 19.9,
    }
    assert body.services["email"].uptime.h24 == 50.0
    # Overall pools every check: (22 + 1) / (24 + 2).
    assert body.uptime.h24 == 88.461
    assert body.avg_response_ms.h24 == round((220 + 100) / 23, 1)


def test_words_staleness_and_incidents(seeded: str) -> None:
    body = status_of(seeded)
    assert list(body.services) == [
        "database",
        "stripe",
        "email",
    ]  # the documented order, seen services only
    assert body.services["email"].status == "down"
    stripe = body.services["stripe"]
    assert stripe.status == "unknown"  # last check 40 days old
    assert stripe.checked_at == NOW - 40 * D
    assert stripe.uptime.model_dump(by_alias=True) == {"24h": None, "7d": None, "30d": None}
    assert body.status == "degraded"  # email is down, but email is not critical
    assert body.description == "Some systems are degraded"
    assert body.last_check_at == NOW - timedelta(minutes=5)
    assert [(i.rule, i.severity) for i in body.alerts] == [
        ("payment_failure_rate", "critical"),
        ("service_unresponsive:stripe", "critical"),
        ("db_storage", "warning"),
    ]  # worst first, then oldest first; the info rule is no incident
    assert body.alerts[0].since == NOW - 3 * H
    assert [i.title for i in body.alerts] == [
        "Payment failure rate",
        "Critical service unresponsive (stripe)",
        "Db storage",  # not a known rule: its name, readable
    ]
    assert "revenue" not in body.model_dump_json()  # alert messages stay private
    assert body.maintenance_window is None


def test_daily_history_with_gaps_in_local_days(seeded: str) -> None:
    history = status_of(seeded).history
    assert history is not None and history.timezone == "Europe/Berlin"
    assert len(history.days) == 90
    assert history.days[-1] == date(2026, 11, 27) and history.days[0] == date(2026, 8, 30)
    series = history.services["database"]
    day = {d: i for i, d in enumerate(history.days)}
    # Today in Berlin began at 23:00 UTC: 13 checks (23:30Z … 11:30Z), two of them down.
    assert series.checks[day[date(2026, 11, 27)]] == 13
    assert series.uptime_pct[day[date(2026, 11, 27)]] == 84.615
    assert series.checks[day[date(2026, 11, 26)]] == 24
    assert series.uptime_pct[day[date(2026, 11, 26)]] == 100.0
    for gap_day in (date(2026, 11, 23), date(2026, 11, 24)):
        assert series.checks[day[gap_day]] == 0
        assert series.uptime_pct[day[gap_day]] is None  # no data, not downtime
        assert series.avg_response_ms[day[gap_day]] is None
    assert series.uptime_pct[day[date(2026, 11, 17)]] == 0.0  # the down check 10 days ago
    assert series.uptime_pct[day[date(2026, 10, 27)]] == 0.0  # 31 days ago: in the bars
    assert history.services["stripe"].checks[day[date(2026, 10, 18)]] == 1
    assert sum(history.services["stripe"].checks) == 1
    assert history.overall.checks[day[date(2026, 11, 27)]] == 13 + 2
    assert series.avg_response_ms[day[date(2026, 11, 26)]] == round((11 * 10 + 13 * 20) / 24, 1)


def test_critical_down_and_maintenance(seeded: str, tmp_path: Path) -> None:
    with Store(PostgresTransport(seeded, 5)) as db:
        db.record_checks([check("database", NOW - timedelta(minutes=1), "down")])
    body = status_of(seeded)
    assert body.status == "down" and body.description == "Major outage"
    toml = tmp_path / "monitoring.toml"
    toml.write_text(
        '[[maintenance]]\nreason = "Database upgrade"\n'
        'start = "2026-11-27T12:30:00+01:00"\nend = "2026-11-27T14:00:00+01:00"\n'
    )
    body = status_of(seeded, monitor_config=str(toml))
    assert body.status == "maintenance"
    assert (
        body.maintenance_window is not None and body.maintenance_window.reason == "Database upgrade"
    )
    assert body.maintenance_window.ends_at == datetime(2026, 11, 27, 13, 0, tzinfo=UTC)
    assert body.services["database"].status == "down"  # the rows still say what was observed


def test_weekly_maintenance_end_past_midnight(migrated_db: str, tmp_path: Path) -> None:
    toml = tmp_path / "monitoring.toml"
    toml.write_text(
        '[[maintenance]]\nweekly = { day = "thursday", start = "23:00", end = "01:00" }\n'
    )
    # Friday 2026-11-27 00:30 Berlin is inside Thursday's window, which ends at 01:00 Berlin.
    body = status_of(
        migrated_db, datetime(2026, 11, 26, 23, 30, tzinfo=UTC), monitor_config=str(toml)
    )
    assert body.status == "maintenance" and body.maintenance_window is not None
    assert body.maintenance_window.ends_at == datetime(2026, 11, 27, 0, 0, tzinfo=UTC)


def test_no_history_is_unknown_not_an_error(migrated_db: str) -> None:
    body = status_of(migrated_db)
    assert body.status == "unknown"
    assert body.reason == "no checks recorded yet"
    assert body.services == {} and body.alerts == []
    assert body.uptime.model_dump(by_alias=True) == {"24h": None, "7d": None, "30d": None}
    assert body.history is not None and len(body.history.days) == 90
    assert set(body.history.overall.uptime_pct) == {None}


def test_everything_stale_is_unknown(migrated_db: str) -> None:
    with Store(PostgresTransport(migrated_db, 5)) as db:
        db.record_checks([check("database", NOW - 27 * H), check("email", NOW - 30 * H)])
    body = status_of(migrated_db)
    assert body.status == "unknown"
    assert body.reason == "no check in the last 26 hours"
    assert body.uptime.d7 == 100.0


def test_other_timezone_moves_day_boundaries(seeded: str) -> None:
    history = status_of(seeded, metrics_timezone="UTC").history
    assert history is not None and history.timezone == "UTC"
    series = history.services["database"]
    assert series.checks[-1] == 12  # 00:30Z … 11:30Z
    # In UTC the gap [22nd 23:00, 24th 23:00) leaves 23 checks on the 22nd and one on the 24th.
    assert series.checks[history.days.index(date(2026, 11, 22))] == 23
    assert series.checks[history.days.index(date(2026, 11, 23))] == 0
    assert series.checks[history.days.index(date(2026, 11, 24))] == 1


def test_both_transports_give_the_same_json(postgrest, supabase_db: str) -> None:
    with Store(PostgresTransport(supabase_db, 5)) as db:
        db.record_checks(seeded_checks())
        direct = fetch_summary(db, NOW, "Europe/Berlin", 90)
    settings = load_settings(supabase_url=postgrest.url, supabase_service_role_key=SERVICE_KEY)  # type: ignore[attr-defined]
    with Store(SupabaseTransport(settings, timeout=5)) as db:
        via_rpc = fetch_summary(db, NOW, "Europe/Berlin", 90)
    assert via_rpc == direct
    assert "monitoring_status_page" in postgrest.calls  # type: ignore[attr-defined]


def test_summary_is_two_statements(seeded: str) -> None:
    """Two store calls: the whole summary from one SQL function, the published incidents and
    maintenance (issue 26) from another; no row is fetched for the 90-day history."""
    with psycopg.connect(seeded, autocommit=True) as conn:
        conn.execute("create extension if not exists pg_stat_statements")
        conn.execute("select pg_stat_statements_reset()")
    status_of(seeded)
    with psycopg.connect(seeded, autocommit=True) as conn:
        calls = conn.execute(
            """select query from pg_stat_statements
               where dbid = (select oid from pg_database where datname = current_database())
                 and query ilike '%monitoring_%' and query not ilike '%pg_stat_statements%'"""
        ).fetchall()
    assert sorted(q.split("(")[1] for (q,) in calls) == [
        'public."monitoring_status_events_since"',
        'public."monitoring_status_page"',
    ]


def test_local_days_across_the_dst_change(migrated_db: str) -> None:
    """Sunday 2026-10-25 has 25 hours in Berlin: 300 five-minute checks, its neighbours 288."""
    start = datetime(2026, 10, 23, 22, 0, tzinfo=UTC)  # Saturday 00:00 in Berlin (UTC+2)
    end = datetime(2026, 10, 26, 23, 0, tzinfo=UTC)  # Tuesday 00:00 in Berlin (UTC+1)
    rows = []
    at = start
    while at < end:
        rows.append(check("database", at))
        at += timedelta(minutes=5)
    with Store(PostgresTransport(migrated_db, 5)) as db:
        db.record_checks(rows)
    history = status_of(migrated_db).history
    assert history is not None
    counts = {d: history.services["database"].checks[history.days.index(d)] for d in (
        date(2026, 10, 23), date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26),
        date(2026, 10, 27))}  # fmt: skip
    assert counts == {
        date(2026, 10, 23): 0,
        date(2026, 10, 24): 288,
        date(2026, 10, 25): 300,
        date(2026, 10, 26): 288,
        date(2026, 10, 27): 0,
    }
