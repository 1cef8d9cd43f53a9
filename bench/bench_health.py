"""/api/health benchmarks: parallel probes, the hang budget, and cold start (figures and ratios).

(a) parallelism: OpenAI, Stripe and Resend fakes answer after 300 ms; the database is a real
    PostgreSQL behind a TCP proxy that holds each new connection 300 ms before forwarding it.
    Wall time of GET /api/health (dev server, real HTTP) / 300 ms. Target <= 1.2.
(b) hang budget: one upstream never answers (each of the four in turn; the database's proxy accepts
    and never forwards), HEALTH_TIMEOUT_MS=1500. Worst wall time / 1500 ms. Target <= 1.1.
(c) cold start: a fresh interpreter loads api/health.py by path (as Vercel does) and answers one
    GET /api/health (fakes at 0 ms, database direct), divided by a fresh interpreter importing
    openai, stripe, supabase and resend. Target <= 0.5; peak RSS of the health process <= 100 MB.
Medians of several runs, all measured in this one run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.quick import QUICK, announce, pick  # noqa: E402
from bench.tcp_delay import DelayProxy  # noqa: E402
from lib.local.localpg import LocalPostgres, throwaway  # noqa: E402
from tests.conftest import DevServer  # noqa: E402
from tests.fakes import FakeUpstream  # noqa: E402
from tests.fakes.vendors import FakeOpenAI, FakeResend, FakeStripe  # noqa: E402

DELAY_S = 0.3
HANG_BUDGET_MS = 1500
RUNS = int(os.environ.get("BENCH_RUNS", pick("7", "2")))
HANG_RUNS = pick(max(3, RUNS // 2), 1)
# A cold pair takes about a second and single runs vary by +-10 % on this machine: take more.
COLD_RUNS = pick(3 * RUNS, 2)
TOKEN = "bench-health-token"
SERVICES = ("database", "openai", "stripe", "email")
COLD_HEALTH = """
import importlib.util, sys
sys.path.insert(0, ".")
spec = importlib.util.spec_from_file_location("api.health", "api/health.py")
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
statuses = []
body = b"".join(module.app(
    {"REQUEST_METHOD": "GET", "PATH_INFO": "/api/health", "QUERY_STRING": "", "wsgi.input": None},
    lambda status, headers: statuses.append(status),
))
assert statuses[0].startswith("200") and b'"healthy"' in body, (statuses, body)
"""
COLD_SDKS = "import openai, stripe, supabase, resend"


class Upstreams:
    """The three vendor fakes, a PostgreSQL cluster and a delaying proxy in front of it."""

    def __init__(self, cluster: LocalPostgres) -> None:
        self.openai, self.stripe, self.resend = FakeOpenAI(), FakeStripe(), FakeResend()
        self.cluster = cluster
        self.proxy = DelayProxy(cluster.port)

    @property
    def vendors(self) -> dict[str, FakeUpstream]:
        return {"openai": self.openai, "stripe": self.stripe, "email": self.resend}

    def env(self, *, database_port: int, timeout_ms: int = 2500) -> dict[str, str]:
        return {
            "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{database_port}/postgres",
            "OPENAI_API_KEY": "sk-bench",
            "OPENAI_BASE_URL": self.openai.base_url,
            "OPENAI_MODEL": "gpt-4o-mini",
            "STRIPE_SECRET_KEY": "sk_test_bench",
            "STRIPE_API_BASE": self.stripe.url,
            "RESEND_API_KEY": "re_bench",
            "RESEND_API_URL": self.resend.url,
            "RESEND_DOMAIN": "carbot.de",
            "HEALTH_TOKEN": TOKEN,
            "HEALTH_TIMEOUT_MS": str(timeout_ms),
            # Every request measures a live evaluation (anonymous reuse: bench_health_reuse.py).
            "HEALTH_ANONYMOUS_REUSE_MS": "0",
        }

    def reset(self) -> None:
        for fake in self.vendors.values():
            fake.reset()
        self.proxy.delay_s = 0.0
        self.proxy.hang = False

    def close(self) -> None:
        for fake in self.vendors.values():
            fake.close()
        self.proxy.close()


@contextmanager
def upstreams() -> Iterator[Upstreams]:
    with throwaway(preload=(), prefix="bench-health-") as cluster:
        started = Upstreams(cluster)
        try:
            yield started
        finally:
            started.close()


# One client for every timed request: a new httpx client per request would add its own TLS
# setup (~20-40 ms of loading CA certificates) to the figure being measured.
CLIENT = httpx.Client(timeout=30, headers={"Authorization": f"Bearer {TOKEN}"})


def timed_health(server: DevServer) -> tuple[float, dict[str, object]]:
    """Wall seconds of one GET /api/health with the token, and its JSON body."""
    started = time.monotonic()
    response = CLIENT.get(server.url + "/api/health")
    return time.monotonic() - started, response.json()


def bench_parallel(up: Upstreams) -> float:
    """Median wall time with every upstream 300 ms away."""
    server = DevServer(up.env(database_port=up.proxy.port))
    try:
        up.reset()
        timed_health(server)  # warm the process: imports, first connections
        for fake in up.vendors.values():
            fake.delay_s = DELAY_S
        up.proxy.delay_s = DELAY_S
        walls = []
        for _ in range(RUNS):
            wall, body = timed_health(server)
            checks = body.get("checks", {})
            assert body["status"] == "healthy", body
            assert all(checks[s]["latency_ms"] >= DELAY_S * 1000 for s in SERVICES), checks  # type: ignore[index]
            walls.append(wall)
        return statistics.median(walls)
    finally:
        server.close()
        up.reset()


def bench_hang(up: Upstreams) -> dict[str, float]:
    """Median wall time per service hanging, under HEALTH_TIMEOUT_MS=1500."""
    server = DevServer(up.env(database_port=up.proxy.port, timeout_ms=HANG_BUDGET_MS))
    results: dict[str, float] = {}
    try:
        up.reset()
        timed_health(server)
        for service in SERVICES:
            walls = []
            for _ in range(HANG_RUNS):
                up.reset()
                if service == "database":
                    up.proxy.hang = True
                else:
                    up.vendors[service].mode = "hang"
                wall, body = timed_health(server)
                reason = body["checks"][service]["reason"]  # type: ignore[index]
                assert reason == "timeout", (service, body)
                walls.append(wall)
            results[service] = statistics.median(walls)
        return results
    finally:
        server.close()
        up.reset()


# Appended to each cold-start program: report done, with the process's own peak RSS. VmHWM is per
# address space, so unlike ru_maxrss it does not include the forked copy of this (big) process.
DONE = """
for _line in open("/proc/self/status"):
    if _line.startswith("VmHWM:"):
        print("done", _line.split()[1], flush=True)
"""


def run_fresh(code: str, env: dict[str, str]) -> tuple[float, int, float]:
    """Seconds from spawning a fresh interpreter until `code` is done (its teardown after that is
    not counted), the process's peak RSS in bytes then, and its CPU seconds."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-c", code + DONE], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    words = process.stdout.readline().split()
    wall = time.monotonic() - started
    process.stdout.close()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if words[:1] != ["done"] or process.returncode != 0:
        raise RuntimeError(f"fresh interpreter failed (exit {process.returncode}): {code[:60]}")
    return wall, int(words[1]) * 1024, usage.ru_utime + usage.ru_stime


@dataclass
class Cold:
    """Medians of the cold-start runs."""

    health_s: float
    sdks_s: float
    health_cpu_s: float
    sdks_cpu_s: float
    peak_rss: int


def bench_cold(up: Upstreams) -> Cold:
    """Fresh /api/health vs fresh SDK imports, interleaved so both see the same machine load."""
    up.reset()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(ROOT)),
        "ENV_FILE": "",
        **up.env(database_port=up.cluster.port),
    }
    for code in (COLD_HEALTH, COLD_SDKS):  # compile .pyc files once, as a deployed bundle has
        run_fresh(code, env)
    health, sdks = [], []
    for _ in range(COLD_RUNS):
        health.append(run_fresh(COLD_HEALTH, env))
        sdks.append(run_fresh(COLD_SDKS, env))
    return Cold(
        health_s=statistics.median(r[0] for r in health),
        sdks_s=statistics.median(r[0] for r in sdks),
        health_cpu_s=statistics.median(r[2] for r in health),
        sdks_cpu_s=statistics.median(r[2] for r in sdks),
        peak_rss=max(r[1] for r in health),
    )


def row(name: str, figures: str, value: float, target: float, label: str = "ratio") -> bool:
    """Print one result line; whether it met its target."""
    met = value <= target
    shown = f"{value:.2f}" if label == "ratio" else f"{value:.0f}"
    verdict = "ok" if met else "MISSED"
    print(f"  {name:<12} {figures:<44} {label} {shown:>5} (target <= {target:g})  {verdict}")
    return met


def main() -> int:
    announce()
    with upstreams() as up:
        parallel = bench_parallel(up)
        hangs = bench_hang(up)
        cold = bench_cold(up)
    worst = max(hangs, key=hangs.__getitem__)
    print(
        f"/api/health benchmarks (median of {RUNS} runs; hang: {HANG_RUNS} per service;"
        f" cold start: {COLD_RUNS} interleaved pairs)"
    )
    results = [
        row(
            "parallelism",
            f"{parallel * 1000:.0f} ms / {DELAY_S * 1000:.0f} ms",
            parallel / DELAY_S,
            1.2,
        ),
        row(
            "hang budget",
            f"{hangs[worst] * 1000:.0f} ms / {HANG_BUDGET_MS} ms (worst: {worst} hanging)",
            hangs[worst] * 1000 / HANG_BUDGET_MS,
            1.1,
        ),
        row(
            "cold start",
            f"{cold.health_s * 1000:.0f} ms / {cold.sdks_s * 1000:.0f} ms",
            cold.health_s / cold.sdks_s,
            0.5,
        ),
        row("peak RSS", "cold /api/health process", cold.peak_rss / 2**20, 100, "MB   "),
    ]
    print(
        "  hang, each service hanging: "
        + ", ".join(f"{s} {w * 1000:.0f} ms" for s, w in hangs.items())
    )
    print(
        f"  cold start, CPU time: {cold.health_cpu_s * 1000:.0f} ms"
        f" / {cold.sdks_cpu_s * 1000:.0f} ms = {cold.health_cpu_s / cold.sdks_cpu_s:.2f}"
    )
    strict = os.environ.get("BENCH_STRICT") and not QUICK  # timing is judged on full runs only
    return 1 if not all(results) and strict else 0


if __name__ == "__main__":
    sys.exit(main())
