"""How drain log lines become requests (lib/drains/requests.py, the ingest migration): a request
counted once however many lines carried it and however they were split across deliveries, a
failure once, over real HTTP through the dev server into PostgreSQL, and a brute-force check of
random deliveries against a count by hand."""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from lib.core.monitor_config import MonitorConfig
from lib.drains.metrics import TrafficDay
from lib.metrics import DayWindow, SourceContext
from tests.alerting import open_store, settings_for
from tests.conftest import DevServer, assert_no_secret
from tests.fakes.drains import SECRET, VERIFY, body_of, function_log, request_log

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db

PATH = "/api/drains/vercel"
NOW = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)
ENV = {"VERCEL_DRAIN_SECRET": SECRET, "VERCEL_VERIFY_TOKEN": VERIFY}


@pytest.fixture(scope="module")
def monitoring_toml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The module server's MONITOR_CONFIG; empty (every default) unless a test writes one."""
    path = tmp_path_factory.mktemp("drains-counting") / "monitoring.toml"
    path.write_text("")
    return path


@pytest.fixture(scope="module")
def drain_server(module_db: str, monitoring_toml: Path) -> Iterator[DevServer]:
    """One dev server for the module (a start is 0.3 s idle, seconds under load); its log must
    not contain a secret either."""
    server = DevServer({"DATABASE_URL": module_db, **ENV, "MONITOR_CONFIG": str(monitoring_toml)})
    yield server
    assert_no_secret(server.close())


@pytest.fixture
def drain(drain_server: DevServer, migrated_db: str, monitoring_toml: Path) -> DevServer:
    """The module's server over an emptied database, with every monitoring.toml default."""
    write_config(monitoring_toml, "")
    return drain_server


def write_config(path: Path, toml: str) -> None:
    """Write the server's monitoring.toml. It reloads the file when its mtime changes, so the
    mtime moves on by at least a millisecond even when two writes share a clock tick."""
    before = path.stat().st_mtime_ns
    path.write_text(toml)
    moved = max(time.time_ns(), before + 1_000_000)
    os.utime(path, ns=(moved, moved))


def post(server: DevServer, records: list[dict[str, Any]], fmt: str = "json") -> httpx.Response:
    body, headers = body_of(records, fmt)
    answer = server.request("POST", PATH, content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer


def totals(server: DevServer) -> dict[str, Any]:
    return server.get("/api/traffic?window=1h").json()["totals"]


def calls(n: int, failing: int, lines: int, prefix: str = "r") -> list[dict[str, Any]]:
    """n function calls of `lines` console lines each (every line carrying the proxy object, as
    Vercel sends them), the first `failing` answered 500."""
    return [
        function_log(NOW, f"{prefix}{i}", "/api/chat", 500 if i < failing else 200, line=k)
        for i in range(n)
        for k in range(lines)
    ]


def test_a_function_logging_three_lines_per_call_is_counted_once(
    drain: DevServer, migrated_db: str
) -> None:
    """The issue's figures: 100 static requests and 186 function calls logging three lines plus
    the edge's line, 17 of them failing: 5.94 % failed, not the 8.06 % four lines each made."""
    static = [request_log(NOW, f"/static/{i}.js", n=i) | {"requestId": f"s{i}"} for i in range(100)]
    edge = [
        request_log(NOW, "/api/chat", 500 if i < 17 else 200, n=1000 + i) | {"requestId": f"r{i}"}
        for i in range(186)
    ]
    post(drain, [*static, *calls(186, 17, 3), *edge])
    got = totals(drain)
    assert (got["requests"], got["errors"], got["requests_5xx"]) == (286, 17, 17)
    assert got["error_rate_pct"] == 5.944, "17 / 286, not 68 / 844"
    shown = drain.get("/api/status").json()["traffic_availability"]
    assert shown["24h"] == 94.056, "Requests served: 269 of 286"
    settings = settings_for(migrated_db)
    day = DayWindow.of(NOW.astimezone(settings.metrics_timezone).date(), settings.metrics_timezone)
    with open_store(migrated_db) as store:
        ctx = SourceContext(settings, store, MonitorConfig(), day, 1e12, True)
        metrics = TrafficDay().collect(ctx)
    assert (metrics["requests"], metrics["requests_5xx"]) == (286, 17)
    assert metrics["error_rate_pct"] == 5.944


def test_a_request_split_across_deliveries_is_counted_once(drain: DevServer) -> None:
    lines = calls(40, 4, 3)
    post(drain, [r for r in lines if r["message"] != "step 2"])  # two lines of every call
    post(drain, [r for r in lines if r["message"] == "step 2"], "ndjson")  # the third, later
    got = totals(drain)
    assert (got["requests"], got["errors"]) == (40, 4)
    assert got["error_rate_pct"] == 10.0


def test_two_deliveries_with_lines_of_the_same_requests_at_once(drain: DevServer) -> None:
    lines = calls(300, 30, 2, prefix="c")
    halves = [[r for r in lines if r["message"] == f"step {k}"] for k in (0, 1)]
    answers: list[int] = []

    def send(records: list[dict[str, Any]]) -> None:
        body, headers = body_of(records)
        answers.append(drain.request("POST", PATH, content=body, headers=headers).status_code)

    threads = [threading.Thread(target=send, args=(half,)) for half in halves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [200, 200]
    got = totals(drain)
    assert (got["requests"], got["errors"]) == (300, 30), "each request once, both delivered"


def test_a_crash_and_its_proxys_500_are_one_failure(drain: DevServer, migrated_db: str) -> None:
    # One line: the crashed invocation carrying its proxy's 500.
    post(drain, [function_log(NOW, "one", status=500, crashed=True)])
    # Two deliveries: the crash line without a proxy, then the proxy's 500 on another line.
    post(drain, [function_log(NOW, "two", status=None, crashed=True)])
    post(drain, [function_log(NOW, "two", status=500, line=1)])
    got = totals(drain)
    assert (got["requests"], got["errors"], got["crashes"]) == (2, 2, 2)
    assert got["error_rate_pct"] == 100.0, "one failure per request, never 200 %"


def test_crashes_still_count_and_a_retry_counts_once(drain: DevServer) -> None:
    records = [*calls(9, 0, 2, prefix="ok"), function_log(NOW, "bad", status=502, crashed=True)]
    body, headers = body_of(records)
    for _ in range(2):
        assert drain.request("POST", PATH, content=body, headers=headers).status_code == 200
    got = totals(drain)
    assert (got["requests"], got["errors"], got["crashes"]) == (10, 1, 1)


def test_an_odd_request_id_counts_the_line_on_its_own(drain: DevServer) -> None:
    odd = ["\u0000nul", "tab\there", "x" * 129, ""]
    post(drain, [function_log(NOW, rid, status=500) for rid in odd])
    got = totals(drain)
    assert (got["requests"], got["errors"]) == (4, 4), "each line a request, nothing a 5xx"


def _random_traffic(rng: random.Random) -> tuple[list[list[dict[str, Any]]], dict[str, int]]:
    """Requests of 1-4 lines, some crashing (with or without a proxy line), others 4xx/5xx,
    lines shuffled into deliveries; lines without a request id each a request of their own."""
    lines: list[dict[str, Any]] = []
    expected = {"requests": 0, "errors": 0, "crashes": 0}
    for i in range(240):
        at = NOW - timedelta(minutes=rng.randrange(20))
        route = f"/api/r{rng.randrange(4)}"
        crashed = rng.random() < 0.08
        status = rng.choice((200, 200, 200, 301, 404, 500, 503))
        count = rng.randint(1, 4)
        for k in range(count):
            if crashed and k == 0:
                with_proxy = rng.random() < 0.5
                lines.append(function_log(at, f"q{i}", route, status if with_proxy else None,
                                          crashed=True, line=k))  # fmt: skip
            else:
                lines.append(function_log(at, f"q{i}", route, status, line=k))
        expected["requests"] += 1
        expected["errors"] += crashed or status >= 500
        expected["crashes"] += crashed
    for n in range(60):
        status = rng.choice((200, 404, 500))
        lines.append(request_log(NOW - timedelta(minutes=rng.randrange(20)), "/", status, n=n))
        expected["requests"] += 1
        expected["errors"] += status >= 500
    rng.shuffle(lines)
    cuts = sorted(rng.sample(range(1, len(lines)), 7))
    deliveries = [lines[a:b] for a, b in zip([0, *cuts], [*cuts, len(lines)], strict=True)]
    return deliveries, expected


@pytest.mark.parametrize("seed", [1, 2])
def test_random_deliveries_against_a_count_by_hand(drain: DevServer, seed: int) -> None:
    rng = random.Random(seed)
    deliveries, expected = _random_traffic(rng)
    for delivery in deliveries:
        body, headers = body_of(delivery, rng.choice(("json", "ndjson")))
        for _ in range(2 if rng.random() < 0.4 else 1):  # Vercel retries the same bytes
            answer = drain.request("POST", PATH, content=body, headers=headers)
            assert answer.status_code == 200, answer.text
    got = totals(drain)
    assert {k: got[k] for k in expected} == expected
    assert got["error_rate_pct"] == round(100 * expected["errors"] / expected["requests"], 3)


def _server_with(drain: DevServer, monitoring_toml: Path, toml: str) -> DevServer:
    """The module's server, now reading `toml` as its monitoring.toml."""
    write_config(monitoring_toml, toml)
    return drain


def _routes(db: str) -> dict[str, int]:
    with psycopg.connect(db) as conn:
        rows = conn.execute(
            "select route, sum(requests) from monitoring_traffic_buckets where grain = 'minute'"
            " group by route"
        ).fetchall()
    return {route: int(n) for route, n in rows}


def test_scanners_4xx_paths_take_no_route_slot(
    drain: DevServer, migrated_db: str, monitoring_toml: Path
) -> None:
    server = _server_with(drain, monitoring_toml, "[traffic]\nmax_routes = 2\n")
    probes = ["/.env", "/wp-login.php", "/xmlrpc.php", "/.git/config", "/admin.php"]
    post(server, [request_log(NOW, p, 404, n=i) for i, p in enumerate(probes)])
    post(server, [request_log(NOW, "/api/leads", n=10), request_log(NOW, "/pricing", n=11)])
    assert _routes(migrated_db) == {"other": 5, "/api/leads": 1, "/pricing": 1}


def test_a_route_group_unseen_for_idle_days_gives_its_slot_back(
    drain: DevServer, migrated_db: str, monitoring_toml: Path
) -> None:
    toml = "[traffic]\nmax_routes = 1\nidle_days = 2\n"
    server = _server_with(drain, monitoring_toml, toml)
    post(server, [request_log(NOW, "/api/old", n=1)])
    post(server, [request_log(NOW, "/api/new", n=2)])
    assert _routes(migrated_db) == {"/api/old": 1, "other": 1}, "no room while /api/old is seen"
    with psycopg.connect(migrated_db, autocommit=True) as conn:  # three days pass without it
        conn.execute("update monitoring_traffic_routes set last_seen = now() - interval '3 days'")
    post(server, [request_log(NOW, "/api/new", n=3)])
    post(server, [request_log(NOW, "/api/old", n=4)])
    assert _routes(migrated_db) == {"/api/old": 1, "/api/new": 1, "other": 2}


def test_deployments_are_capped_like_route_groups(
    drain: DevServer, migrated_db: str, monitoring_toml: Path
) -> None:
    server = _server_with(drain, monitoring_toml, "[traffic]\nmax_deployments = 2\n")
    for k, deployment in enumerate(("dpl_a", "dpl_b", "dpl_c", "dpl_d", "dpl_a")):
        post(server, [request_log(NOW, "/api/leads", deployment=deployment, n=k)])
    shown = {
        d["key"]: d["requests"] for d in server.get("/api/traffic?window=1h").json()["deployments"]
    }
    assert shown == {"dpl_a": 2, "dpl_b": 1, "other": 2}
