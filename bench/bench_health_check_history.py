"""Health check cron benchmark: rule evaluation does not grow with 90 days of check history.

Prints, side by side in one run: the median time of one whole health check run (record 4 checks,
evaluate the ten rules with compare-and-set, prune) on a store holding 90 days of checks at a
30-second cadence (about a million rows) and on one holding a single day at 5 minutes, their
ratio (target <= 2), and the cold-start import time of the cron function against /api/health and
the resend SDK it avoids.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.quick import announce, pick  # noqa: E402
from lib.core.config import load_settings  # noqa: E402
from lib.jobs.health_check import check_and_alert  # noqa: E402
from lib.local.localpg import LocalPostgres, throwaway  # noqa: E402
from lib.probes import Level, ProbeResult  # noqa: E402
from lib.store import Store  # noqa: E402
from lib.store.postgres import PostgresTransport  # noqa: E402
from tests.conftest import migrated_database  # noqa: E402

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SERVICES = ("database", "openai", "stripe", "email")
HISTORIES = pick(
    {"90 d at 30 s": (timedelta(days=89), 30), "1 d at 5 min": (timedelta(days=1), 300)},
    {"3 d at 30 s": (timedelta(days=3), 30), "1 d at 5 min": (timedelta(days=1), 300)},
)
RUNS = pick(15, 2)
IMPORTS = pick(7, 1)


def build(cluster: LocalPostgres, name: str, span: timedelta, step_s: int) -> tuple[str, int]:
    url = migrated_database(cluster, name)
    with psycopg.connect(url, autocommit=True) as conn:
        # Every service answers; the database fails one check in 50, so streaks are short.
        conn.execute(
            """insert into monitoring_health_checks (checked_at, service, status, latency_ms)
               select t, s, case when s = 'database' and random() < 0.02 then 'down' else 'ok' end,
                      (20 + random() * 200)::int
               from generate_series(%s::timestamptz - %s::interval, %s::timestamptz,
                                    make_interval(secs => %s)) t,
                    unnest(%s::text[]) s""",
            (NOW, span, NOW - timedelta(seconds=step_s), step_s, list(SERVICES)),
        )
        conn.execute("analyze monitoring_health_checks")
        rows = conn.execute("select count(*) from monitoring_health_checks").fetchone()[0]
    return url, rows


def time_runs(url: str) -> float:
    settings = load_settings(database_url=url, critical_services="database,openai")
    results = {s: ProbeResult(level=Level.OK, latency_ms=40) for s in SERVICES}
    samples = []
    with Store(PostgresTransport(url, timeout=10)) as store:
        for i in range(RUNS + 2):
            started = time.perf_counter()
            check_and_alert(store, settings, NOW + timedelta(seconds=30 * i), results=results)
            if i >= 2:  # the first runs create the alert rows
                samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def import_ms(statement: str) -> float:
    samples = []
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    for _ in range(IMPORTS):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], cwd=ROOT, env=env, check=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main() -> None:
    announce()
    with throwaway() as cluster:
        timings = {}
        for index, (label, (span, step)) in enumerate(HISTORIES.items()):
            url, rows = build(cluster, f"bench_{index}", span, step)
            timings[label] = (rows, time_runs(url))
    print(f"one health check run (record 4, ten rules, CAS, prune), median of {RUNS}:")
    print(f"{'history':<14} {'rows':>10} {'ms':>8}")
    for label, (rows, ms) in timings.items():
        print(f"{label:<14} {rows:>10,} {ms:>8.1f}")
    (_, big), (_, small) = timings.values()
    print(f"ratio big/small: {big / small:.2f} (target <= 2)")
    print(f"\ncold import, median of {IMPORTS} fresh interpreters (includes ~25 ms start-up):")
    for label, statement in (
        ("nothing", "pass"),
        ("api/cron/health_check.py", "import api.cron.health_check"),
        ("api/health.py", "import api.health"),
        ("resend SDK (not used)", "import resend"),
    ):
        print(f"{label:<26} {import_ms(statement):>8.0f} ms")


if __name__ == "__main__":
    main()
