"""Benchmark: the whole daily metrics run for one day at CarBot scale, and where its time goes.

2,000,000 leads and 200,000 chat conversations over a year (plus 20,000 workshops and a month of
health checks) in a real PostgreSQL; Stripe, Resend and OpenAI fakes answering after 20 ms each,
with 3 pages of charges for the day. A run is `run_daily_metrics` for the day (every source, then
the upsert); the same day is also fetched through the cron endpoint over HTTP. Prints, measured
side by side in one run: the first (cold: SDK imports) and the median warm wall time, the time of
every source, vendor sources run concurrently vs one after the other, and counting with vs
without an index on created_at.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.quick import announce, pick  # noqa: E402
from lib.core.config import load_settings  # noqa: E402
from lib.core.monitor_config import MonitorConfig  # noqa: E402
from lib.jobs.daily_metrics import SOURCES  # noqa: E402
from lib.local.localpg import throwaway  # noqa: E402
from lib.metrics import DayWindow, MetricSource, SourceContext  # noqa: E402
from lib.metrics.runner import DayReport, run_daily_metrics  # noqa: E402
from lib.metrics.sources import CORE_SOURCES  # noqa: E402
from lib.store import Store  # noqa: E402
from lib.store.postgres import PostgresTransport  # noqa: E402
from tests.conftest import DevServer, migrated_database  # noqa: E402
from tests.fakes.billing import MetricsResend  # noqa: E402
from tests.fakes.business import RiskStripe, UsageOpenAI  # noqa: E402

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 11, 19)
ROWS = pick(
    {"leads": 2_000_000, "chat_conversations": 200_000, "workshops": 20_000},
    {"leads": 20_000, "chat_conversations": 2_000, "workshops": 200},
)
ON_DAY = {"leads": 6_000, "chat_conversations": 600, "workshops": 60}
CHARGES = 250  # 3 pages of 100
VENDOR_LATENCY_S = 0.020
REPEATS = pick(7, 1)
HTTP_RUNS = pick(4, 2)
UNINDEXED_RUNS = pick(3, 1)
# What this bench measures: CarBot's tables, the vendors and the health checks. The deployment,
# traffic and platform sources run too (the real run), but without their secrets or data they
# are skipped and named: that is their documented answer, not a failure of this bench.
# Supabase Storage is left out: the bench database has no `storage` schema, so that source is
# skipped with its reason (tests/test_storage_usage.py measures it).
MEASURED = frozenset(source.name for source in CORE_SOURCES) - {"supabase_storage"}


def unmeasured(report: DayReport) -> dict[str, str]:
    """Core sources that were unavailable or skipped: must be none."""
    lost = {**report.unavailable, **report.skipped}
    return {name: why for name, why in lost.items() if name in MEASURED}


@dataclass(frozen=True)
class OneAfterAnother:
    """A vendor source run on the calling thread like a store source: the sequential baseline."""

    inner: MetricSource
    uses_store = True

    @property
    def name(self) -> str:
        return self.inner.name

    def missing(self, ctx: SourceContext) -> str | None:
        return self.inner.missing(ctx)

    def collect(self, ctx: SourceContext) -> dict[str, float]:
        return self.inner.collect(ctx)


def seed(url: str, window: DayWindow) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for table, rows in ROWS.items():
            conn.execute(
                f"create table public.{table} (id bigserial primary key, created_at timestamptz)"
            )
            conn.execute(
                f"""insert into public.{table} (created_at)
                    select %(start)s::timestamptz - interval '1 second'
                           - random() * interval '364 days'
                    from generate_series(1, %(n)s)""",
                {"start": window.start, "n": rows - ON_DAY[table]},
            )
            conn.execute(
                f"""insert into public.{table} (created_at)
                    select %(start)s::timestamptz + i * (interval '1 day' / %(n)s)
                    from generate_series(0, %(n)s - 1) i""",
                {"start": window.start, "n": ON_DAY[table]},
            )
        # A month of checks every 5 minutes for four services.
        conn.execute(
            """insert into monitoring_health_checks (checked_at, service, status, latency_ms)
               select t, s, case when random() < 0.01 then 'down' else 'ok' end,
                      (20 + random() * 300)::int
               from generate_series(%s::timestamptz - interval '30 days', %s,
                                    interval '5 minutes') t,
                    unnest(array['database', 'openai', 'stripe', 'email']) s""",
            (window.end, window.end),
        )
        conn.execute("vacuum analyze")


def index(url: str, create: bool) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for table in ROWS:
            if create:
                conn.execute(f"create index {table}_created on public.{table} (created_at)")
            else:
                conn.execute(f"drop index if exists public.{table}_created")
        conn.execute("analyze")


def run(
    settings: object, url: str, window: DayWindow, sources: list[MetricSource]
) -> tuple[float, DayReport]:
    with Store(PostgresTransport(url, 30)) as store:
        started = time.perf_counter()
        run_ = run_daily_metrics(
            settings,  # type: ignore[arg-type]
            store,
            MonitorConfig(),
            [window.day],
            window.day,
            sources,
        )
        return (time.perf_counter() - started) * 1000, run_.days[0]


def over_http(url: str, settings: object, window: DayWindow) -> list[float]:
    """The cron endpoint with `?day=`: secret check, run bookkeeping, the run, the JSON answer."""
    env = {
        "DATABASE_URL": url,
        "CRON_SECRET": "bench-cron-secret",
        "STRIPE_SECRET_KEY": "sk_test_bench",
        "STRIPE_API_BASE": str(settings.stripe_api_base),  # type: ignore[attr-defined]
        "RESEND_API_KEY": "re_bench",
        "RESEND_API_URL": str(settings.resend_api_url),  # type: ignore[attr-defined]
        "OPENAI_ADMIN_KEY": "sk-admin-bench",
        "OPENAI_BASE_URL": str(settings.openai_base_url),  # type: ignore[attr-defined]
    }
    server = DevServer(env)
    samples = []
    try:
        for _ in range(HTTP_RUNS):
            started = time.perf_counter()
            response = httpx.get(
                f"{server.url}/api/cron/daily_metrics?day={window.day}",
                headers={"Authorization": "Bearer bench-cron-secret"},
                timeout=60,
            )
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
            lost = set(response.json()["days"][0]["unavailable"]) & MEASURED
            assert not lost, response.text
    finally:
        server.close()
    return samples


def main() -> None:
    announce()
    window = DayWindow.of(DAY, BERLIN)
    stripe, resend, openai = RiskStripe(), MetricsResend(), UsageOpenAI()
    for index_ in range(CHARGES):
        moment = window.start + timedelta(seconds=300 * index_)
        stripe.add_charge(moment, "failed" if index_ % 20 == 0 else "succeeded", 4900)
    for hour in range(24):
        stripe.add_event(window.start + timedelta(hours=hour), "invoice.paid", delivered=hour != 3)
        resend.add_emails(window.start + timedelta(hours=hour), "sent", 10)
        openai.add_cost(datetime(DAY.year, DAY.month, DAY.day, hour, tzinfo=BERLIN), 0.1)
    for fake in (stripe, resend, openai):
        fake.delay_s = VENDOR_LATENCY_S
    with throwaway() as cluster:
        try:
            url = migrated_database(cluster, "bench")
            started = time.perf_counter()
            seed(url, window)
            print(
                f"seeded {sum(ROWS.values()):,} CarBot rows "
                f"in {time.perf_counter() - started:.1f} s"
            )
            settings = load_settings(
                database_url=url,
                stripe_secret_key="sk_test_bench",
                stripe_api_base=stripe.url,
                resend_api_key="re_bench",
                resend_api_url=resend.url,
                openai_admin_key="sk-admin-bench",
                openai_base_url=openai.base_url,
            )
            concurrent = list(SOURCES)
            sequential = [s if s.uses_store else OneAfterAnother(s) for s in SOURCES]
            index(url, create=True)
            cold_ms, cold = run(settings, url, window, concurrent)
            assert not unmeasured(cold), unmeasured(cold)
            for name, why in {**cold.unavailable, **cold.skipped}.items():
                print(f"not measured here: {name}: {why}")
            assert cold.metrics["leads"] == ON_DAY["leads"], cold.metrics
            assert cold.metrics["payments_succeeded"] + cold.metrics["payments_failed"] == CHARGES
            charge_pages = sum(1 for r in stripe.requests if r.path == "/v1/charges")
            results: dict[str, list[tuple[float, DayReport]]] = {"concurrent": [], "sequential": []}
            for _ in range(REPEATS):  # interleaved, so both see the same machine load
                results["concurrent"].append(run(settings, url, window, concurrent))
                results["sequential"].append(run(settings, url, window, sequential))
            http_ms = over_http(url, settings, window)
            index(url, create=False)
            unindexed = [run(settings, url, window, concurrent) for _ in range(UNINDEXED_RUNS)]
        finally:
            for fake in (stripe, resend, openai):
                fake.close()

    def median(samples: list[tuple[float, DayReport]]) -> float:
        return statistics.median(ms for ms, _ in samples)

    def source_median(samples: list[tuple[float, DayReport]], name: str) -> float:
        return statistics.median(r.timings_ms.get(name, 0) for _, r in samples)

    warm = median(results["concurrent"])
    print(
        f"\none day ({DAY}, Europe/Berlin), vendor latency {VENDOR_LATENCY_S * 1000:.0f} ms, "
        f"{charge_pages} pages of charges, median of {REPEATS} (cold: first run)"
    )
    print(f"cold run (SDK imports included): {cold_ms:8.0f} ms")
    print(f"warm run, concurrent vendors:    {warm:8.0f} ms")
    print(
        f"warm run, vendors one by one:    {median(results['sequential']):8.0f} ms "
        f"(ratio {median(results['sequential']) / warm:.2f})"
    )
    print(f"cron endpoint over HTTP, first:  {http_ms[0]:8.0f} ms (a fresh function: cold)")
    print(f"cron endpoint over HTTP, warm:   {statistics.median(http_ms[1:]):8.0f} ms")
    print(
        f"warm run, no created_at index:   {median(unindexed):8.0f} ms "
        f"(ratio {median(unindexed) / warm:.2f})"
    )
    print(f"\n{'source':<24} {'cold ms':>8} {'warm ms':>8} {'no index':>9}")
    for source in SOURCES:
        print(
            f"{source.name:<24} {cold.timings_ms.get(source.name, 0):>8} "
            f"{source_median(results['concurrent'], source.name):>8.0f} "
            f"{source_median(unindexed, source.name):>9.0f}"
        )
    print(f"\nmetrics written for the day: {len(cold.metrics)}")


if __name__ == "__main__":
    main()
