"""Scale benchmark: counting one day's leads costs the same on 2,000,000 rows as on 20,000.

Prints, side by side in one run: the median time to count the measured day through each
transport on the big and the small table, their ratio (target <= 2), that the count is exactly
5,000 (beyond PostgREST's 1,000-row cap), and /api/health/database latency on the big database.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.quick import announce, pick  # noqa: E402
from lib.core.config import load_settings  # noqa: E402
from lib.local.localpg import LocalPostgres, throwaway  # noqa: E402
from lib.store import Store  # noqa: E402
from lib.store.postgres import PostgresTransport  # noqa: E402
from lib.store.supabase import SupabaseTransport  # noqa: E402
from tests.conftest import SUPABASE_ROLES, DevServer, migrated_database  # noqa: E402
from tests.postgrest_bridge import PostgrestBridge  # noqa: E402

BERLIN = ZoneInfo("Europe/Berlin")
DAY_START = datetime(2026, 11, 19, tzinfo=BERLIN)
DAY_END = DAY_START + timedelta(days=1)
ON_DAY = 5_000
SIZES = pick({"big": 2_000_000, "small": 20_000}, {"big": 20_000, "small": 6_000})
REPEATS = pick(25, 2)
SERVICE_KEY = "bench-service-key"


def build(cluster: LocalPostgres, name: str, background_rows: int) -> str:
    url = migrated_database(cluster, name)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("create table public.leads (id bigserial primary key, created_at timestamptz)")
        # The rest of the year, all strictly before the measured day.
        conn.execute(
            """insert into public.leads (created_at)
               select %s::timestamptz - interval '1 second' - random() * interval '364 days'
               from generate_series(1, %s)""",
            (DAY_START, background_rows),
        )
        conn.execute(
            """insert into public.leads (created_at)
               select %s::timestamptz + (i * (interval '1 day' / %s))
               from generate_series(0, %s - 1) i""",
            (DAY_START, ON_DAY, ON_DAY),
        )
        conn.execute("create index leads_created_at on public.leads (created_at)")
        conn.execute("grant select on public.leads to service_role")
        conn.execute("vacuum analyze public.leads")
    return url


def median_count_ms(store: Store) -> tuple[float, int]:
    counts = set()
    samples = []
    store.count_rows("leads", "created_at", DAY_START, DAY_END)  # warm the connection
    for _ in range(REPEATS):
        started = time.perf_counter()
        counts.add(store.count_rows("leads", "created_at", DAY_START, DAY_END))
        samples.append((time.perf_counter() - started) * 1000)
    assert len(counts) == 1
    return statistics.median(samples), counts.pop()  # type: ignore[return-value]


def main() -> None:
    announce()
    with throwaway() as cluster:
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            for statement in SUPABASE_ROLES:
                conn.execute(statement)
        started = time.perf_counter()
        urls = {label: build(cluster, label, rows) for label, rows in SIZES.items()}
        seeded = sum(SIZES.values()) + 2 * ON_DAY
        print(f"seeded {seeded:,} rows in {time.perf_counter() - started:.1f} s")
        results: dict[tuple[str, str], tuple[float, int]] = {}
        for label, url in urls.items():
            bridge = PostgrestBridge(url, {SERVICE_KEY: "service_role"})
            settings = load_settings(supabase_url=bridge.url, supabase_service_role_key=SERVICE_KEY)
            with Store(PostgresTransport(url, 10)) as direct:
                results[("postgres", label)] = median_count_ms(direct)
            with Store(SupabaseTransport(settings, 10)) as rpc:
                results[("supabase", label)] = median_count_ms(rpc)
            bridge.close()
        print(f"\ncount of {DAY_START.date()} (Europe/Berlin day), median of {REPEATS}:")
        columns = (
            "transport",
            f"{SIZES['big']:,} rows",
            f"{SIZES['small']:,} rows",
            "ratio",
            "count",
        )
        print("{:<10} {:>16} {:>13} {:>7} {:>7}".format(*columns))
        for transport in ("postgres", "supabase"):
            big_ms, big_n = results[(transport, "big")]
            small_ms, small_n = results[(transport, "small")]
            assert big_n == small_n == ON_DAY, (big_n, small_n)
            print(
                f"{transport:<10} {big_ms:>13.2f} ms {small_ms:>10.2f} ms "
                f"{big_ms / small_ms:>7.2f} {big_n:>7,}"
            )
        server = DevServer({"DATABASE_URL": urls["big"], "HEALTH_TOKEN": "bench-token"})
        try:
            samples = []
            for _ in range(pick(10, 2)):
                t0 = time.perf_counter()
                body = httpx.get(
                    server.url + "/api/health/database",
                    headers={"Authorization": "Bearer bench-token"},
                    timeout=30,
                ).json()
                samples.append((time.perf_counter() - t0) * 1000)
        finally:
            server.close()
        print(
            "\n/api/health/database on the big database: "
            f"median {statistics.median(samples):.0f} ms, "
            f"max {max(samples):.0f} ms (status {body['status']}, "
            f"largest table {body['largest_tables'][0]['table']} "
            f"{body['largest_tables'][0]['bytes'] / 1e6:.0f} MB)"
        )


if __name__ == "__main__":
    main()
