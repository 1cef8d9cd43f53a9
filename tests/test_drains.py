"""Vercel drains end to end: signed deliveries through the dev server into real PostgreSQL,
retries counted once, concurrent deliveries both counted, percentiles within the documented error,
both store transports, the daily metrics and /api/traffic."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import psycopg
import pytest

from lib.core.clock import utc_timestamp
from lib.core.monitor_config import MonitorConfig
from lib.drains import histogram
from lib.drains.metrics import TrafficDay
from lib.drains.query import groups, web_vitals_p75, window_stats
from lib.drains.receiver import receive
from lib.drains.routes import route_group
from lib.drains.store import last_received
from lib.metrics import DayWindow, SourceContext
from tests.alerting import open_store, settings_for
from tests.conftest import DevServer, assert_no_secret
from tests.fakes.drains import (
    SECRET,
    VERIFY,
    body_of,
    crash_log,
    request_log,
    span,
    traces,
    vital,
)
from tests.stores import supabase_store

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db

PATH = "/api/drains/vercel"
NOW = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)
ENV = {"VERCEL_DRAIN_SECRET": SECRET, "VERCEL_VERIFY_TOKEN": VERIFY}


def requests_in(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select coalesce(sum(requests), 0) from monitoring_traffic_buckets"
            " where grain = 'minute'"
        ).fetchone()
    return int(row[0])


def some_logs(n: int, at: datetime = NOW, status: int = 200) -> list[dict]:
    return [request_log(at, f"/api/leads/{i}", status, n=i) for i in range(n)]


@pytest.fixture(scope="module")
def drain_server(module_db: str) -> Iterator[DevServer]:
    """One dev server for the module's deliveries; its log must not contain a secret either."""
    server = DevServer({"DATABASE_URL": module_db, **ENV})
    yield server
    assert_no_secret(server.close())


@pytest.fixture
def drain(drain_server: DevServer, emptied_module_db: str) -> DevServer:
    """The module's dev server over its database, emptied for this test."""
    return drain_server


def test_signature_missing_wrong_right(drain: DevServer, migrated_db: str) -> None:
    body, headers = body_of(some_logs(3))
    unsigned = {k: v for k, v in headers.items() if k != "x-vercel-signature"}
    missing = drain.request("POST", PATH, content=body, headers=unsigned)
    wrong = drain.request(
        "POST", PATH, content=body, headers={**headers, "x-vercel-signature": "0" * 40}
    )
    assert (missing.status_code, wrong.status_code) == (403, 403)
    assert requests_in(migrated_db) == 0, "nothing stored without a valid signature"
    right = drain.request("POST", PATH, content=body, headers=headers)
    assert right.status_code == 200, right.text
    assert right.json() == {
        "kind": "log",
        "records": 3,
        "skipped": 0,
        "skip_reasons": {},
        "clamped": {},
        "duplicate": False,
        "buckets": 3,
    }  # fmt: skip  (one route group, /api/leads/:id, in three grains)
    assert requests_in(migrated_db) == 3
    for answer in (missing, wrong, right, drain.get(PATH)):
        assert answer.headers["x-vercel-verify"] == VERIFY, "both set-up flows verify the URL"
    assert_no_secret(wrong.text)  # and the server's log when it closes (drain_server)


def test_json_ndjson_gzip_and_a_retry_counted_once(
    drain: DevServer, emptied_module_db: str
) -> None:
    for fmt, compress, n in (("json", False, 2), ("ndjson", False, 3), ("ndjson", True, 4)):
        body, headers = body_of(some_logs(n, NOW - timedelta(minutes=n)), fmt, compress)
        first = drain.request("POST", PATH, content=body, headers=headers)
        retry = drain.request("POST", PATH, content=body, headers=headers)
        assert first.json()["duplicate"] is False and retry.json()["duplicate"] is True
    assert requests_in(emptied_module_db) == 2 + 3 + 4


def test_two_deliveries_for_the_same_minute_at_once(
    drain: DevServer, emptied_module_db: str
) -> None:
    bodies = [body_of([*some_logs(50), request_log(NOW, n=1000 + k)]) for k in range(2)]
    answers: list[httpx.Response] = []

    def post(body: bytes, headers: dict[str, str]) -> None:
        answers.append(drain.request("POST", PATH, content=body, headers=headers))

    threads = [threading.Thread(target=post, args=pair) for pair in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [a.status_code for a in answers] == [200, 200]
    assert requests_in(emptied_module_db) == 102, "both counted, nothing lost"


@pytest.mark.parametrize(
    ("body", "headers", "status", "words"),
    [
        (b"not json at all", {}, 400, "neither JSON nor NDJSON"),
        (b"\x1f\x8b broken", {"content-encoding": "gzip"}, 400, "not valid gzip"),
        (b"[1, 2, 3]", {}, 400, "JSON array of objects"),
        (b'{"resourceSpans": "nope"}', {}, 400, "OTLP/JSON"),
        (b"", {}, 400, "empty"),
    ],
)
def test_bad_bodies_are_400s_naming_the_problem(
    drain: DevServer, body: bytes, headers: dict[str, str], status: int, words: str
) -> None:
    from lib.core.signatures import sign

    signed = {**headers, "x-vercel-signature": sign(SECRET, body)}
    answer = drain.request("POST", PATH, content=body, headers=signed)
    assert answer.status_code == status and words in answer.json()["error"], answer.text


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_unknown_records_are_counted_and_skipped(
    drain: DevServer, emptied_module_db: str, fmt: str
) -> None:
    odd = [{"something": "else"}, {"source": "build", "id": "x"}, vital(NOW, "LCP", 1800)]
    body, headers = body_of([*some_logs(2), *odd], fmt)
    answer = drain.request("POST", PATH, content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["kind"] == "log" and answer.json()["skipped"] == 3
    assert requests_in(emptied_module_db) == 2


def test_unset_secret_refused_outside_development(
    migrated_db: str, dev_server: Callable[[dict[str, str]], DevServer]
) -> None:
    body, _ = body_of(some_logs(1))
    for env, expected in (("preview", 503), ("development", 200)):
        server = dev_server({"DATABASE_URL": migrated_db, "VERCEL_ENV": env,
                             "HEALTH_TOKEN": "t" * 32, "CRON_SECRET": "c" * 32})  # fmt: skip
        assert server.request("POST", PATH, content=body).status_code == expected


def test_too_large_a_body_is_413(drain: DevServer) -> None:
    answer = drain.request("POST", PATH, content=b"[" + b" " * 4_600_000 + b"]")
    assert answer.status_code == 413


def test_route_groups_collapse_ids_and_cap_the_count(migrated_db: str) -> None:
    assert route_group("/api/leads/123?x=1") == "/api/leads/:id"
    assert route_group("/w/3f2a1b4c-1111-2222-3333-444455556666/edit") == "/w/:id/edit"
    config = MonitorConfig.model_validate({"traffic": {"max_routes": 2}})
    logs = [request_log(NOW, f"/page{i}", n=i) for i in range(5)]
    with open_store(migrated_db) as store:
        receive(settings_for(migrated_db), config, store, body_of(logs)[0], None)
    with psycopg.connect(migrated_db) as conn:
        routes = conn.execute(
            "select route, requests from monitoring_traffic_buckets where grain = 'minute' "
            "order by route"
        ).fetchall()
    assert routes == [("/page0", 1), ("/page1", 1), ("other", 3)]


@pytest.mark.parametrize("transport", ["postgres", "supabase"])
def test_percentiles_against_brute_force_on_both_transports(
    transport: str, migrated_db: str, supabase_db: str, postgrest: object
) -> None:
    rng = random.Random(7)
    durations = [rng.lognormvariate(4.5, 1.0) for _ in range(3000)]  # median ~90 ms, long tail
    store = open_store(migrated_db) if transport == "postgres" else supabase_store(postgrest)
    settings = settings_for(migrated_db)
    with store:
        for chunk in range(0, len(durations), 1000):  # three deliveries, minutes apart
            spans = [
                span(NOW - timedelta(minutes=chunk // 1000), d)
                for d in durations[chunk : chunk + 1000]
            ]
            receive(settings, MonitorConfig(), store, body_of(traces(spans))[0], None)
        stats = window_stats(store, NOW - timedelta(minutes=10), NOW + timedelta(minutes=1))
        assert "trace" in last_received(store)
    exact = sorted(durations)
    for q, got in ((0.50, stats.p50_ms), (0.95, stats.p95_ms), (0.99, stats.p99_ms)):
        true = exact[int(q * len(exact)) - 1]
        assert got is not None and abs(got - true) / true <= histogram.RELATIVE_ERROR + 0.02, (
            q,
            got,
        )
    assert (
        stats.timed == 3000 and stats.requests == 0
    )  # durations come from traces, counts from logs
    assert stats.avg_ms == pytest.approx(sum(durations) / len(durations), rel=1e-3)


@pytest.mark.parametrize("transport", ["postgres", "supabase"])
def test_groupings_match_a_brute_force_sum_of_the_records(
    transport: str, migrated_db: str, supabase_db: str, postgrest: object
) -> None:
    """Per step, route and deployment, over deliveries that add to the same buckets, with routes
    folded into "other": every count and histogram as summed by hand from the records."""
    rng = random.Random(11)
    config = MonitorConfig.model_validate({"traffic": {"max_routes": 3}})
    logs, spans, expected = [], [], {}
    for n in range(400):
        at = NOW - timedelta(minutes=rng.randrange(90))
        route, deployment = f"/r{rng.randrange(5)}", f"dpl_{rng.randrange(2)}"
        status = rng.choice((200, 200, 200, 404, 500))
        duration = rng.lognormvariate(4.0, 1.0)
        logs.append(request_log(at, route, status, deployment=deployment, n=n))
        spans.append((deployment, span(at, duration, route)))
        step = int(at.timestamp()) // 1800 * 1800
        for by, key in (
            ("all", "all"),
            ("time", step),
            ("route", route),
            ("deployment", deployment),
        ):
            sums = expected.setdefault(by, {}).setdefault(key, [0, 0, 0, histogram.empty()])
            sums[0] += 1
            sums[1] += status >= 500
            sums[2] += duration
            sums[3][histogram.bucket_of(duration)] += 1
    store = open_store(migrated_db) if transport == "postgres" else supabase_store(postgrest)
    settings = settings_for(migrated_db)
    with store:
        for part in range(0, 400, 100):  # four deliveries of each kind into the same buckets
            receive(settings, config, store, body_of(logs[part : part + 100])[0], None)
            for deployment in ("dpl_0", "dpl_1"):
                batch = [s for d, s in spans[part : part + 100] if d == deployment]
                body = body_of(traces(batch, deployment))[0]
                receive(settings, config, store, body, None)
        found = groups(store, NOW - timedelta(hours=2), NOW + timedelta(minutes=1),
                       step=timedelta(minutes=30), grain="minute")  # fmt: skip
    kept = {key for key in expected["route"] if key in found["route"]}
    assert len(kept) == 3 and "other" in found["route"], "two of five routes fold into other"
    other = [0, 0, 0.0, histogram.empty()]
    for key in list(expected["route"]):
        if key not in kept:
            folded = expected["route"].pop(key)
            other[:3] = [a + b for a, b in zip(other[:3], folded[:3], strict=True)]
            histogram.add(other[3], folded[3])
    expected["route"]["other"] = other
    for by, keys in expected.items():
        got = found[by]
        keys = {
            (utc_timestamp(datetime.fromtimestamp(key, UTC)) if by == "time" else key): sums
            for key, sums in keys.items()
        }
        assert set(got) == set(keys), by
        for key, (requests, errors, duration, latency) in keys.items():
            stats = got[key]
            assert (stats.requests, stats.errors, stats.timed) == (requests, errors, requests)
            assert stats.avg_ms == pytest.approx(duration / requests, abs=0.06), (by, key)
            assert stats.p95_ms == round(histogram.quantile(latency, 0.95), 1), (by, key)
            assert stats.p50_ms == round(histogram.quantile(latency, 0.50), 1), (by, key)


def test_the_health_check_prunes_minute_buckets_after_minute_days(migrated_db: str) -> None:
    from lib.jobs.health_check import check_and_alert

    settings = settings_for(migrated_db)
    with open_store(migrated_db) as store:
        for at, n in ((NOW - timedelta(days=4), 3), (NOW - timedelta(days=2), 2), (NOW, 1)):
            logs = [request_log(at, "/api/leads", n=int(at.timestamp()) + i) for i in range(n)]
            receive(settings, MonitorConfig(), store, body_of(logs)[0], None)
        check_and_alert(store, settings, NOW, results={})
    with psycopg.connect(migrated_db) as conn:
        kept = dict(
            conn.execute(
                "select grain, sum(requests) from monitoring_traffic_buckets group by grain"
            ).fetchall()
        )
    assert kept == {"minute": 3, "hour": 6, "day": 6}, "[traffic] minute_days = 3 by default"


def test_daily_metrics_absent_without_data_present_with_it(migrated_db: str) -> None:
    settings = settings_for(migrated_db, vercel_drain_sampling=0.5)
    day = DayWindow.of(NOW.astimezone(settings.metrics_timezone).date(), settings.metrics_timezone)
    with open_store(migrated_db) as store:
        ctx = SourceContext(settings, store, MonitorConfig(), day, 1e12, True)
        assert TrafficDay().collect(ctx) == {}, "no drain data: absent, never 0"
        logs = [
            *some_logs(90),
            *some_logs(8, status=503),
            crash_log(NOW),
            request_log(NOW, cache="HIT"),
        ]
        receive(settings, MonitorConfig(), store, body_of(logs)[0], None)
        spans = [span(NOW, 100), span(NOW, 300)]
        receive(settings, MonitorConfig(), store, body_of(traces(spans))[0], None)
        vitals = [vital(NOW, "LCP", 1800), vital(NOW, "LCP", 3100), vital(NOW, "CLS", 0.05)]
        receive(settings, MonitorConfig(), store, body_of(vitals)[0], None)
        assert web_vitals_p75(store, day.start, day.end)["CLS"] == pytest.approx(0.05, rel=0.1)
        metrics = TrafficDay().collect(ctx)
    # The crash answered no one but was a request (docs/traffic.md "Counting"): 100 requests.
    assert metrics["requests"] == 2 * 100, "scaled by 1 / VERCEL_DRAIN_SAMPLING"
    assert metrics["requests_5xx"] == 16 and metrics["function_crashes"] == 2
    assert metrics["error_rate_pct"] == pytest.approx(100 * 9 / 100, abs=0.01)
    assert metrics["cache_hit_pct"] == pytest.approx(100 / 100, abs=0.01)
    assert metrics["response_avg_ms"] == 200.0
    assert metrics["web_vitals_lcp_p75_ms"] == pytest.approx(3100, rel=histogram.RELATIVE_ERROR)


def test_traffic_endpoint(drain: DevServer, emptied_module_db: str) -> None:
    logs = [*some_logs(30), *some_logs(5, NOW - timedelta(minutes=2), 500)]
    body, headers = body_of(logs)
    assert drain.request("POST", PATH, content=body, headers=headers).status_code == 200
    assert drain.get("/api/traffic?window=1h").status_code == 200  # development: no token set
    for window, step_s in (("1h", 60), ("24h", 3600), ("7d", 6 * 3600), ("30d", 86400)):
        data = drain.get(f"/api/traffic?window={window}").json()
        assert data["totals"]["requests"] == 35 and data["totals"]["errors"] == 5
        # One point per epoch-aligned step holding a record: two minutes apart, the records
        # share an hour's or a day's step unless they straddle its boundary.
        steps = {int(t.timestamp()) // step_s for t in (NOW, NOW - timedelta(minutes=2))}
        assert len(data["series"]) == len(steps), window
        assert data["routes"]["by_requests"][0]["requests"] >= 1
        assert data["deployments"][0]["key"] == "dpl_current"
    slow = [span(NOW, 5000, "/api/rare"), *(span(NOW, 800, "/api/busy") for _ in range(30))]
    body, headers = body_of(traces(slow))
    assert drain.request("POST", PATH, content=body, headers=headers).status_code == 200
    by_p95 = drain.get("/api/traffic?window=1h").json()["routes"]["by_p95"]
    assert [r["key"] for r in by_p95] == ["/api/busy"], "one slow call to /api/rare is not ranked"
    bad = drain.get("/api/traffic?window=" + "9" * 500)
    assert bad.status_code == 400 and "window must be one of" in bad.json()["error"]
    assert len(bad.text) < 300, "the echoed value is truncated"
    assert drain.get("/api/traffic?x=1").status_code == 400


def test_status_shows_real_traffic_availability_only_with_drain_data(
    drain: DevServer, emptied_module_db: str
) -> None:
    assert "traffic_availability" not in drain.get("/api/status").json()
    body, headers = body_of([*some_logs(199), request_log(NOW, status=500, n=999)])
    assert drain.request("POST", PATH, content=body, headers=headers).status_code == 200
    shown = drain.get("/api/status").json()["traffic_availability"]
    assert shown == {"24h": 99.5, "7d": 99.5, "30d": 99.5}


def test_data_the_store_refuses_is_a_422_not_a_retried_503(
    migrated_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should a value slip past lib/drains/sanitize.py, the store's refusal (SQLSTATE 22) must not
    be a 503 "store unavailable" that Vercel retries forever; an unreachable store still is."""
    from lib.drains import sanitize
    from tests.inprocess import serve_in_process

    # The sanitizer misses a size past bigint (SQLSTATE 22003 when the store sums it).
    monkeypatch.setattr(sanitize, "MAX_RESPONSE_BYTES", 10**30)
    body, headers = body_of([request_log(NOW, "/api/leads", size=10**25)])
    for url, status, words in (
        (migrated_db, 422, "the store refused this delivery's data: invalid value"),
        ("postgresql://monitor@127.0.0.1:9/none", 503, "store unavailable"),
    ):
        with serve_in_process({"DATABASE_URL": url, **ENV}, monkeypatch) as server:
            answer = httpx.post(server.url + PATH, content=body, headers=headers, timeout=30)
        assert answer.status_code == status and words in answer.json()["error"], answer.text
        assert answer.headers["x-vercel-verify"] == VERIFY
