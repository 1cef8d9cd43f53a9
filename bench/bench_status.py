"""Status benchmark: /api/status and /api/badge latency and requests/second, upstream calls (0).

History: one check every 5 minutes for 4 services over 30 days (34,560 rows), and the same over
90 days beside it for the ratio. Every vendor URL points at a local fake whose requests are
counted during the run: the status endpoints must cause none. /api/health (live probes) is
measured last as the contrast.
"""

from __future__ import annotations

import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.quick import announce, pick  # noqa: E402
from lib.core.config import load_settings  # noqa: E402
from lib.endpoints.status import fetch_summary  # noqa: E402
from lib.local.localpg import LocalPostgres, throwaway  # noqa: E402
from lib.store import Store  # noqa: E402
from lib.store.postgres import PostgresTransport  # noqa: E402
from tests.conftest import DevServer, migrated_database, vendor_env  # noqa: E402
from tests.fakes.vendors import FakeOpenAI, FakeResend, FakeStripe  # noqa: E402
from tests.status_history import seed_history  # noqa: E402

SEQUENTIAL = pick(60, 5)
CONCURRENT = pick(240, 16)
SHORT, LONG = pick((30, 90), (2, 6))  # days of history
WORKERS = 8
PATHS = (
    "/api/status",
    "/api/badge",
    "/api/badge?metric=uptime&window=7d",
    "/api/badge?format=svg",
)


def build(cluster: LocalPostgres, name: str, days: int, now: datetime) -> tuple[str, int]:
    url = migrated_database(cluster, name)
    rows = seed_history(url, now, days=days, every_minutes=5)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("vacuum analyze public.monitoring_health_checks")
    return url, rows


def sql_ms(url: str, now: datetime) -> float:
    """Median time of the summary's one SQL call alone (warm connection)."""
    timezone = load_settings().metrics_timezone.key
    samples = []
    with Store(PostgresTransport(url, 10)) as db:
        fetch_summary(db, now, timezone, 90)
        for _ in range(30):
            started = time.perf_counter()
            fetch_summary(db, now, timezone, 90)
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def latency(client: httpx.Client, url: str, count: int) -> tuple[float, float, int]:
    """Median and p95 ms of `count` sequential requests, and the response size."""
    samples = []
    size = 0
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.text[:200])
        size = len(response.content)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))], size


def throughput(url: str) -> float:
    """Requests per second with WORKERS concurrent clients."""
    with httpx.Client(timeout=30) as client:

        def one(_: int) -> int:
            return client.get(url).status_code

        started = time.perf_counter()
        with ThreadPoolExecutor(WORKERS) as pool:
            codes = list(pool.map(one, range(CONCURRENT)))
        elapsed = time.perf_counter() - started
    assert set(codes) == {200}, set(codes)
    return CONCURRENT / elapsed


def measure(
    server: DevServer, paths: tuple[str, ...]
) -> dict[str, tuple[float, float, int, float]]:
    results = {}
    with httpx.Client(timeout=30) as client:
        for path in paths:
            client.get(server.url + path)  # load the function (cold start) before timing
            median, p95, size = latency(client, server.url + path, SEQUENTIAL)
            results[path] = (median, p95, size, throughput(server.url + path))
    return results


def print_table(title: str, results: dict[str, tuple[float, float, int, float]]) -> None:
    print(f"\n{title}")
    print(f"{'endpoint':<38} {'median':>9} {'p95':>9} {'bytes':>7} {'req/s':>7}")
    for path, (median, p95, size, rps) in results.items():
        print(f"{path:<38} {median:>6.1f} ms {p95:>6.1f} ms {size:>7,} {rps:>7.0f}")


def main() -> None:
    announce()
    now = datetime.now(UTC)
    fakes = (FakeOpenAI(), FakeStripe(), FakeResend())
    openai, stripe, resend = fakes
    with throwaway() as cluster:
        try:
            started = time.perf_counter()
            dbs = {days: build(cluster, f"status_{days}d", days, now) for days in (SHORT, LONG)}
            print(
                "seeded "
                + ", ".join(f"{rows:,} rows ({days} days)" for days, (_, rows) in dbs.items())
                + f" in {time.perf_counter() - started:.1f} s"
            )
            for days, (url, _) in dbs.items():
                print(f"summary SQL call alone, {days} days of history: {sql_ms(url, now):.1f} ms")
            tables = {}
            for days, (url, _) in dbs.items():
                server = DevServer(vendor_env(openai, stripe, resend, url))
                try:
                    for fake in fakes:
                        fake.reset()
                    tables[days] = measure(server, PATHS)
                    upstream = sum(len(fake.requests) for fake in fakes)
                    print_table(
                        f"{days} days of history; sequential x{SEQUENTIAL}, "
                        f"req/s with {WORKERS} concurrent clients x{CONCURRENT}:",
                        tables[days],
                    )
                    print(f"upstream (vendor) requests during the run: {upstream}")
                    assert upstream == 0, "the status endpoints must never call a vendor"
                    if days == SHORT:
                        health = measure(server, ("/api/health",))
                        calls = sum(len(fake.requests) for fake in fakes)
                        print_table("contrast: live /api/health against the fakes", health)
                        print(f"upstream requests caused by /api/health: {calls}")
                finally:
                    server.close()
            print(f"\n{LONG} days / {SHORT} days of history (median latency):")
            for path in PATHS:
                ratio = tables[LONG][path][0] / tables[SHORT][path][0]
                print(f"  {path:<38} {ratio:.2f}x")
        finally:
            for fake in fakes:
                fake.close()


if __name__ == "__main__":
    main()
