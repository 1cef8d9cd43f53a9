"""Synthetic checks side by side, and the cost of one heartbeat ping.

1. Twenty HTTP checks and one three-step flow against a fake CarBot answering every request in
   200 ms: each alone (the slowest single check is the flow, ~3 × 200 ms), then all of them in one
   run of `run_due_checks` (what the health check calls). Target: the run takes at most 1.3 × the
   slowest single check (they run side by side, not one after another).
2. `/api/ping/<token>` through the function's WSGI app over the direct PostgreSQL transport (no
   network in between): the median answer for a known and for unknown tokens. Target: < 20 ms.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.quick import announce, pick, timing_ok  # noqa: E402
from lib.checks.runner import run_all, run_due_checks  # noqa: E402
from lib.core.config import get_settings, load_settings  # noqa: E402
from lib.core.monitor_config import MonitorConfig  # noqa: E402
from lib.core.synthetic_config import CheckConfig  # noqa: E402
from lib.local.localpg import throwaway  # noqa: E402
from tests.conftest import migrated_database  # noqa: E402
from tests.fakes.carbot import start_carbot  # noqa: E402

DELAY_S = 0.2
TARGET_RATIO = 1.3
TARGET_PING_MS = 20.0
RUNS = pick(5, 1)
PINGS = pick(200, 20)
TOKEN = "bench-token-0123456789abcdef"


def checks(base: str) -> list[CheckConfig]:
    pages = [
        CheckConfig.model_validate(
            {
                "name": f"page-{i}",
                "http": {
                    "url": f"{base}/" if i % 2 else f"{base}/api/health",
                    "conditions": {"max_response_ms": 5000},
                },
            }
        )
        for i in range(20)
    ]
    flow = CheckConfig.model_validate(
        {
            "name": "chat-lead",
            "flow": [
                {
                    "name": "login",
                    "method": "POST",
                    "url": f"{base}/api/login",
                    "body": '{"password": "bench"}',
                    "extract": {"token": "$.token"},
                },
                {
                    "name": "chat",
                    "method": "POST",
                    "url": f"{base}/api/chat",
                    "headers": {"Authorization": "Bearer {{token}}"},
                    "extract": {"lead": "$.lead.id"},
                },
                {
                    "name": "lead",
                    "url": base + "/api/leads/{{lead}}",
                    "headers": {"Authorization": "Bearer {{token}}"},
                },
            ],
        }
    )
    return [*pages, flow]


def side_by_side() -> tuple[float, float, str]:
    fake = start_carbot()
    fake.delay_s = DELAY_S
    try:
        every = checks(fake.url)
        singles: dict[str, float] = {}
        for check in every:
            started = time.perf_counter()
            outcome = asyncio.run(run_all([check], None, 30.0))[check.name]
            singles[check.name] = time.perf_counter() - started
            assert outcome.up, (check.name, outcome.reason)
        slowest = max(singles, key=lambda n: singles[n])
        config = MonitorConfig(checks=every)
        settings = load_settings()
        walls = []
        for _ in range(RUNS):
            started = time.perf_counter()
            found = run_due_checks(None, settings, config, datetime.now(UTC), states={})  # type: ignore[arg-type]
            walls.append(time.perf_counter() - started)
            assert len(found) == 21 and all(r.level == "ok" for r in found.values()), found
        return statistics.median(walls), singles[slowest], slowest
    finally:
        fake.close()


def ping_app(url: str) -> Any:
    toml = Path(tempfile.mkdtemp(prefix="bench-checks-")) / "monitoring.toml"
    toml.write_text('[[heartbeats]]\nname = "job"\ntoken_env = "BENCH_PING"\nperiod = 60\n')
    os.environ.update(
        {"ENV_FILE": "", "DATABASE_URL": url, "MONITOR_CONFIG": str(toml), "BENCH_PING": TOKEN}
    )
    get_settings.cache_clear()
    from lib.core.http import endpoint
    from lib.endpoints.ping import ping_response

    return endpoint(ping_response, methods=("GET", "POST"), params=("path",))


def ping_once(app: Any, token: str) -> tuple[float, str]:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": f"/api/ping/{token}", "QUERY_STRING": ""}
    status: list[str] = []
    started = time.perf_counter()
    body = b"".join(app(environ, lambda s, h: status.append(s)))
    took = (time.perf_counter() - started) * 1000
    assert body == b"OK", (status, body)
    return took, status[0]


def pings() -> tuple[float, float]:
    with throwaway(prefix="bench-checks-") as cluster:
        app = ping_app(migrated_database(cluster, "pings"))
        ping_once(app, TOKEN)  # opens the connection a warm instance keeps
        known = [ping_once(app, TOKEN)[0] for _ in range(19)]  # within the 20 per minute
        unknown = [ping_once(app, f"unknown-{i:024d}")[0] for i in range(PINGS)]
    return statistics.median(known), statistics.median(unknown)


def main() -> None:
    announce()
    run, slowest, name = side_by_side()
    ratio = run / slowest
    print(f"21 checks (20 HTTP + a 3-step flow), fakes answering in {DELAY_S * 1000:.0f} ms:")
    print(f"  slowest single check ({name}): {slowest * 1000:.0f} ms")
    print(f"  all 21 in one run (median of {RUNS}): {run * 1000:.0f} ms")
    print(f"  ratio {ratio:.2f} (target <= {TARGET_RATIO})")
    known, unknown = pings()
    print("/api/ping over the direct store transport (median, WSGI app, warm connection):")
    print(f"  known token: {known:.1f} ms; unknown tokens ({PINGS}): {unknown:.1f} ms")
    print(f"  target < {TARGET_PING_MS:.0f} ms")
    ok = ratio <= TARGET_RATIO and max(known, unknown) < TARGET_PING_MS
    if not timing_ok(ok):
        sys.exit("a timing target was missed")


if __name__ == "__main__":
    main()
