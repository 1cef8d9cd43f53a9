"""Vendor calls per anonymous /api/health request: cache-busting amplification (issue 17, 1).

GET /api/health, every second request with a new `?x=<n>` (a new CDN cache key per request).
Counted: requests the OpenAI, Stripe and Resend fakes received and database sessions opened
(pg_stat_database.sessions), per request. Rows: anonymous with the reuse off
(HEALTH_ANONYMOUS_REUSE_MS=0: every plain request evaluates; before the fix the `?x=` ones did
too, 3 vendor calls each), anonymous with the default 5000 ms, and a token holder (always fresh).
Target: anonymous with reuse well under 0.1 vendor calls per request in a burst.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.quick import announce, pick  # noqa: E402
from lib.local.localpg import throwaway  # noqa: E402
from tests.conftest import DevServer  # noqa: E402
from tests.fakes.vendors import FakeOpenAI, FakeResend, FakeStripe  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_RUNS", pick("7", "1"))) * 10  # bounded: 70 by default
TOKEN = "bench-reuse-token"


def env(fakes: tuple[FakeOpenAI, FakeStripe, FakeResend], port: int, reuse_ms: int) -> dict:
    openai, stripe, resend = fakes
    return {
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{port}/postgres",
        "OPENAI_API_KEY": "sk-bench",
        "OPENAI_BASE_URL": openai.base_url,
        "OPENAI_MODEL": "gpt-4o-mini",
        "STRIPE_SECRET_KEY": "sk_test_bench",
        "STRIPE_API_BASE": stripe.url,
        "RESEND_API_KEY": "re_bench",
        "RESEND_API_URL": resend.url,
        "HEALTH_TOKEN": TOKEN,
        "HEALTH_ANONYMOUS_REUSE_MS": str(reuse_ms),
    }


def database_sessions(port: int) -> int:
    """Connections ever opened to the cluster's postgres database (backend starts)."""
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres") as conn:
        row = conn.execute(
            "select sessions from pg_stat_database where datname = 'postgres'"
        ).fetchone()
    return int(row[0]) if row else 0


def measure(
    fakes: tuple[FakeOpenAI, FakeStripe, FakeResend], port: int, reuse_ms: int, token: bool
) -> tuple[float, float, float, int]:
    """(vendor calls / request, DB sessions / request, seconds, 400s) over REQUESTS requests."""
    server = DevServer(env(fakes, port, reuse_ms))
    headers = {"Authorization": f"Bearer {TOKEN}"} if token else {}
    try:
        for fake in fakes:
            fake.reset()
        sessions = database_sessions(port)
        rejected = 0
        started = time.monotonic()
        with httpx.Client(timeout=30, headers=headers) as client:
            for n in range(REQUESTS):
                # Half bust the cache key (now a 400), half are plain anonymous calls.
                path = f"/api/health?x={n}" if n % 2 else "/api/health"
                rejected += client.get(server.url + path).status_code == 400
        elapsed = time.monotonic() - started
        calls = sum(len(fake.requests) for fake in fakes)
        opened = database_sessions(port) - sessions - 1  # minus our own counting session
    finally:
        server.close()
    return calls / REQUESTS, opened / REQUESTS, elapsed, rejected


def main() -> None:
    announce()
    fakes = (FakeOpenAI(), FakeStripe(), FakeResend())
    try:
        with throwaway(preload=(), prefix="bench-reuse-") as cluster:
            rows = {
                "anonymous, reuse off (before)": measure(fakes, cluster.port, 0, False),
                "anonymous, reuse 5000 ms": measure(fakes, cluster.port, 5000, False),
                "token holder, reuse 5000 ms": measure(fakes, cluster.port, 5000, True),
            }
    finally:
        for fake in fakes:
            fake.close()
    print(f"{REQUESTS} GET /api/health each, every second one with ?x=<n> (cache busting)")
    print(f"{'':32} {'vendor calls/req':>17} {'db sessions/req':>16} {'400s':>5} {'wall s':>7}")
    for name, (calls, sessions, elapsed, rejected) in rows.items():
        print(f"{name:32} {calls:17.3f} {sessions:16.3f} {rejected:5d} {elapsed:7.2f}")
    before, after = rows["anonymous, reuse off (before)"][0], rows["anonymous, reuse 5000 ms"][0]
    ratio = after / before if before else float("nan")
    print(f"anonymous vendor calls per request, reuse on / off: {ratio:.3f}")


if __name__ == "__main__":
    main()
