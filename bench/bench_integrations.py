"""Latency of /api/health/integrations with every fake vendor answering in 100 ms."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.quick import announce, pick, timing_ok  # noqa: E402
from tests.conftest import SECRETS, DevServer, vendor_env  # noqa: E402
from tests.fakes.realtime import FakeRealtime  # noqa: E402
from tests.fakes.vendors import FakeOpenAI, FakeResend, FakeStripe  # noqa: E402

VENDOR_S = 0.100  # every fake answers after this long
TARGET_RATIO = 1.3  # the target: ≤ 1.3 × one vendor round trip, plus pagination trips
# Exit non-zero only past this multiple of the target: a regression such as serialised probes,
# not the noise of a loaded machine.
FAIL_RATIO = 1.5
REQUESTS = pick(20, 3)
TOKEN = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}


def measure(server: DevServer, path: str) -> list[float]:
    """Wall time of GET `path` as a client sees it (one client: its own set-up is not measured)."""
    with httpx.Client(base_url=server.url, headers=TOKEN, timeout=30) as client:
        for _ in range(2):  # the cold start (imports) is not what this measures
            client.get(path)
        samples = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 503), response.text
    return samples


def report(label: str, samples: list[float], extra_trips: int) -> float:
    target = TARGET_RATIO * VENDOR_S * 1000 + extra_trips * VENDOR_S * 1000
    median = statistics.median(samples)
    p95 = sorted(samples)[int(0.95 * (len(samples) - 1))]
    verdict = "ok" if median <= target else "OVER TARGET"
    print(
        f"{label:<58} median {median:6.1f} ms  p95 {p95:6.1f} ms  min {min(samples):6.1f} ms  "
        f"target {target:5.0f} ms  median/target {median / target:4.2f}  "
        f"median/vendor {median / (VENDOR_S * 1000):4.2f}  {verdict}"
    )
    return median / target


def main() -> int:
    announce()
    fakes = openai, stripe, resend, realtime = (
        FakeOpenAI(),
        FakeStripe(),
        FakeResend(),
        FakeRealtime(SECRETS["SUPABASE_SERVICE_ROLE_KEY"]),
    )
    for fake in fakes:
        fake.delay_s = VENDOR_S
    server = DevServer(
        vendor_env(openai, stripe, resend, database_url=None, SUPABASE_URL=realtime.url)
    )
    ratios = []
    try:
        print(f"every fake vendor answers in {VENDOR_S * 1000:.0f} ms; {REQUESTS} requests each")
        ratios.append(
            report(
                "/api/health/integrations, one page everywhere",
                measure(server, "/api/health/integrations"),
                0,
            )
        )
        stripe.webhook_endpoints = [(f"https://carbot.de/hook/{i}", "enabled") for i in range(3)]
        stripe.add_events(250, failed=True, pending_webhooks=1)
        resend.domains = {f"d{i}.example": "verified" for i in range(249)} | {
            "carbot.de": "verified"
        }
        ratios.append(
            report(
                "/api/health/integrations, 250 failed events + domains: 3 pages",
                measure(server, "/api/health/integrations"),
                2,
            )
        )
    finally:
        server.close()
        for fake in fakes:
            fake.close()
    return 0 if all(timing_ok(r <= FAIL_RATIO) for r in ratios) else 1


if __name__ == "__main__":
    sys.exit(main())
