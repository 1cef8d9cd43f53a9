"""Reports benchmark: building the weekly and the monthly report from 90 days of history.

History: one check every 5 minutes for 4 services over 90 days (103,680 rows), 30 daily metrics
for 90 days, and 400 alert episodes. Every store call is counted by SQL function: the target is
under 2 s per report and at most one store round trip per section. Stripe and Resend are not
asked (live=False): their latency is theirs, not the report's.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.quick import announce, pick  # noqa: E402
from lib.core.config import load_settings  # noqa: E402
from lib.core.monitor_config import parse_monitor_config  # noqa: E402
from lib.local.localpg import throwaway  # noqa: E402
from lib.reports import periods  # noqa: E402
from lib.reports.build import build_report  # noqa: E402
from lib.store import Store  # noqa: E402
from lib.store.postgres import PostgresTransport  # noqa: E402
from tests.conftest import migrated_database  # noqa: E402
from tests.report_seed import DAILY  # noqa: E402
from tests.status_history import seed_history  # noqa: E402

RUNS = pick(10, 1)
TARGET_S = 2.0
DAYS = pick(90, 7)
CONFIG = '[reports.support_tickets]\ntable = "support_tickets"\n'


class Counting(PostgresTransport):
    """The Postgres transport, counting calls per SQL function."""

    def __init__(self, url: str) -> None:
        super().__init__(url, 10)
        self.calls: Counter[str] = Counter()

    def call(self, function: str, params: Mapping[str, Any]) -> Any:
        self.calls[function] += 1
        return super().call(function, params)


def seed(url: str, now: datetime) -> int:
    rows = seed_history(url, now, days=DAYS, every_minutes=5)
    first = (now - timedelta(days=DAYS)).date()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            """insert into monitoring_daily_metrics (day, metric, value, unit)
               select d::date, m, 10 + (hashtext(m || d::text) %% 5), 'x'
               from generate_series(%s::date, %s::date, '1 day') d, unnest(%s::text[]) m""",
            (first, now.date(), [*DAILY, "registrations", "p95_response_ms", "uptime_pct"]),
        )
        conn.execute("create table support_tickets (id serial, created_at timestamptz)")
        conn.execute(
            "insert into support_tickets (created_at) select %s - n * interval '3 hours' "
            "from generate_series(1, 700) n",
            (now,),
        )
        conn.execute("vacuum analyze")
    with Store(PostgresTransport(url, 10)) as store:
        for i in range(400):  # an episode every ~5.4 hours, each 1 h long
            start = now - timedelta(days=DAYS) + timedelta(hours=5.4 * i)
            rule = f"cron_late:job{i % 7}"
            found = store.alerts().get(rule)
            patch = {"state": "firing", "since": start, "last_notified_at": start, "last_value": i}
            row = store.alert_cas(rule, found.version if found else 0, patch)
            assert row is not None
            end = start + timedelta(hours=1)
            store.alert_cas(rule, row.version, {"state": "ok", "since": end})
    return rows


def measure(url: str, kind: periods.Kind, now: datetime) -> tuple[float, Counter[str], int]:
    settings = load_settings(database_url=url)
    config = parse_monitor_config(CONFIG)
    period = periods.latest(kind, settings.metrics_timezone, now)
    samples = []
    transport = Counting(url)
    with Store(transport) as store:
        for _ in range(RUNS):
            transport.calls.clear()
            started = time.perf_counter()
            report = build_report(store, settings, config, period, now, live=False)
            samples.append(time.perf_counter() - started)
    return statistics.median(samples), transport.calls, len(report.sections)


def main() -> None:
    announce()
    now = datetime.now(UTC).replace(microsecond=0)
    with throwaway() as cluster:
        url = migrated_database(cluster, "bench_reports")
        checks = seed(url, now)
        print(f"history: {checks:,} checks, {DAYS} days of metrics, 400 alert episodes")
        for kind in ("weekly", "monthly"):
            seconds, calls, sections = measure(url, kind, now)  # type: ignore[arg-type]
            total = sum(calls.values())
            print(
                f"{kind:8} build median {seconds * 1000:7.1f} ms  target {TARGET_S * 1000:.0f} ms"
                f"  ratio {seconds / TARGET_S:5.3f}  |  store calls {total} for {sections}"
                f" sections (ratio {total / sections:.2f}, target <= 1.00)"
            )
            print("          " + ", ".join(f"{fn} x{n}" for fn, n in sorted(calls.items())))


if __name__ == "__main__":
    main()
