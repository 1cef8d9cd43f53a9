"""What a drain delivery may contain before it is counted (lib/drains/sanitize.py, otlp.py,
routes.py): Vercel's documented examples posted verbatim, OTLP span kinds in every form, one
route vocabulary across the three drains, poison records skipped with their reason while the
rest is stored, and durations and sizes clamped. Signed deliveries through the dev server into
real PostgreSQL."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any

import psycopg
import pytest

from lib.core.signatures import sign
from lib.drains.aggregate import aggregate
from lib.drains.records import parse
from lib.drains.routes import route_group
from lib.drains.sanitize import MAX_DURATION_MS, MAX_RESPONSE_BYTES
from tests.conftest import DevServer, assert_no_secret
from tests.fakes.drains import SECRET, VERIFY, body_of, request_log, span, traces, vital

PATH = "/api/drains/vercel"
NOW = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)
VENDORS = Path(__file__).parent / "fixtures" / "vendors"


@pytest.fixture(scope="module")
def drain_server(module_db: str) -> Iterator[DevServer]:
    """One dev server for the module's deliveries; its log must not contain a secret either."""
    env = {"DATABASE_URL": module_db, "VERCEL_DRAIN_SECRET": SECRET, "VERCEL_VERIFY_TOKEN": VERIFY}
    server = DevServer(env)
    yield server
    assert_no_secret(server.close())


@pytest.fixture
def migrated_db(clean_module_db: str) -> str:
    """The module's database, emptied for this test (the server behind `drain` reads it)."""
    return clean_module_db


@pytest.fixture
def drain(drain_server: DevServer, migrated_db: str) -> DevServer:
    return drain_server


def post(drain: DevServer, raw: bytes) -> dict[str, Any]:
    """POST bytes signed as Vercel signs them; the answer must be a 200."""
    headers = {"content-type": "application/json", "x-vercel-signature": sign(SECRET, raw)}
    answer = drain.request("POST", PATH, content=raw, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def minute_buckets(url: str) -> dict[str, tuple[int, int, float, int]]:
    """Route → (requests, timed, duration_ms, bytes) of the minute grain."""
    found = rows(
        url,
        "select route, sum(requests), sum(timed), sum(duration_ms), sum(bytes)"
        " from monitoring_traffic_buckets where grain = 'minute' group by route",
    )
    return {r: (int(q), int(t), float(d), int(b)) for r, q, t, d, b in found}


def vital_pages(url: str) -> dict[tuple[str, str], int]:
    found = rows(
        url, "select metric, page, sum(samples) from monitoring_web_vitals_hours group by 1, 2"
    )
    return {(m, p): int(n) for m, p, n in found}


def fixture(name: str) -> bytes:
    return (VENDORS / name).read_bytes()


def ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def ns(at: datetime) -> int:
    return int(at.timestamp() * 1000) * 1_000_000


# --- Vercel's and OpenTelemetry's own examples, unchanged -------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "records", "reasons"),
    [
        # 2019 and 2023 examples: older than the 35 days kept, so skipped as too_old, not refused.
        ("vercel/log-drains-example.json", "log", 2, {"too_old": 2}),
        ("vercel/log-drains-example.ndjson", "log", 2, {"too_old": 2}),
        ("vercel/trace-drains-example.json", "trace", 1, {"too_old": 1}),
        ("vercel/speed-insights-example.json", "speed_insights", 2, {"too_old": 2}),
        ("vercel/speed-insights-example.ndjson", "speed_insights", 2, {"too_old": 2}),
        ("opentelemetry/trace.json", "trace", 1, {"not_a_root_server_span": 1}),
    ],
)
def test_documented_examples_verbatim_are_accepted(
    drain: DevServer, name: str, kind: str, records: int, reasons: dict[str, int]
) -> None:
    answer = post(drain, fixture(name))
    assert (answer["kind"], answer["records"], answer["skip_reasons"]) == (kind, records, reasons)
    assert answer["skipped"] == sum(reasons.values())


def test_vercel_trace_example_gives_its_timing_in_its_own_time() -> None:
    """Unchanged, read at the time it is dated: `"kind": "server"` is a server span, and its
    route comes from its name (it has no http.route)."""
    kind, records = parse(fixture("vercel/trace-drains-example.json"))
    delivery = aggregate(kind, records, now=datetime(2023, 9, 14, 20, 30, tzinfo=UTC))
    assert dict(delivery.reasons) == {}
    [(key, bucket)] = delivery.traffic.items()
    assert (key[2], bucket.timed, bucket.duration_ms) == ("/api/users", 1, 150.0)


def _moved(document: Any, now: datetime) -> Any:
    """The example with its times (and only its times) moved to `now`, keeping their spacing."""
    moved = copy.deepcopy(document)
    for item in moved if isinstance(moved, list) else [moved]:
        if isinstance(item.get("timestamp"), int):  # log records: epoch ms
            shift = ms(now) - 1573817250283
            item["timestamp"] += shift
            if "proxy" in item:
                item["proxy"]["timestamp"] += shift
        elif isinstance(item.get("timestamp"), str):  # Speed Insights: ISO 8601
            at = datetime.fromisoformat(item["timestamp"])
            item["timestamp"] = (now + (at - datetime(2023, 9, 14, 15, 30, tzinfo=UTC))).isoformat()
        for resource in item.get("resourceSpans", []):
            for scope in resource["scopeSpans"]:
                for one in scope["spans"]:
                    as_sent = type(one["startTimeUnixNano"])  # a decimal string or a number
                    start, end = int(one["startTimeUnixNano"]), int(one["endTimeUnixNano"])
                    one["startTimeUnixNano"] = as_sent(ns(now))
                    one["endTimeUnixNano"] = as_sent(ns(now) + end - start)
    return moved


def test_documented_examples_moved_to_now_are_counted(drain: DevServer, migrated_db: str) -> None:
    logs = [json.loads(line) for line in fixture("vercel/log-drains-example.ndjson").splitlines()]
    answer = post(drain, "\n".join(json.dumps(r) for r in _moved(logs, NOW)).encode())
    assert answer["skip_reasons"] == {"not_a_request": 1}, "the build line is no request"
    trace = json.loads(fixture("vercel/trace-drains-example.json"))
    assert post(drain, json.dumps(_moved(trace, NOW)).encode())["skip_reasons"] == {}
    vitals = json.loads(fixture("vercel/speed-insights-example.json"))
    assert post(drain, json.dumps(_moved(vitals, NOW)).encode())["skip_reasons"] == {}
    upstream = json.loads(fixture("opentelemetry/trace.json"))
    del upstream["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["parentSpanId"]
    assert post(drain, json.dumps(_moved(upstream, NOW)).encode())["skip_reasons"] == {}

    buckets = minute_buckets(migrated_db)
    assert buckets["/api/users"][:3] == (1, 1, 150.0), "the log's request and the span's timing"
    assert buckets["unknown"][1:3] == (1, 1000.0), "`I'm a server span` names no route"
    assert "/" not in buckets, "no duration filed under the home page"
    assert vital_pages(migrated_db) == {("CLS", "/dashboard"): 1, ("LCP", "/home"): 1}


# --- OTLP span kinds and routes -------------------------------------------------------------


def _span(kind: Any = 2, name: str = "GET /api/leads", **extra: Any) -> dict[str, Any]:
    one = {
        "traceId": "5b8efff798038103d269b633813fc60c",
        "spanId": "eee19b7ec3c1b174",
        "name": name,
        "startTimeUnixNano": str(ns(NOW)),
        "endTimeUnixNano": str(ns(NOW) + 200_000_000),
        **extra,
    }
    if kind is not None:
        one["kind"] = kind
    return one


def test_span_kind_in_every_documented_form(drain: DevServer, migrated_db: str) -> None:
    servers = [2, "SPAN_KIND_SERVER", "server", "Server", None, 0, "SPAN_KIND_UNSPECIFIED"]
    others = [3, "SPAN_KIND_CLIENT", "client", 1, "internal"]
    odd = ["weird", {"value": 2}, 17, True]
    spans = [_span(k) for k in [*servers, *others, *odd]]
    answer = post(drain, json.dumps(traces(spans)).encode())
    assert answer["records"] == len(spans)
    assert answer["skip_reasons"] == {"not_a_root_server_span": 5, "malformed_span": 4}
    assert minute_buckets(migrated_db)["/api/leads"][1:3] == (7, 7 * 200.0)


def test_root_span_without_a_route_takes_its_name_never_slash(
    drain: DevServer, migrated_db: str
) -> None:
    spans = [_span(name="GET /api/users/42"), _span(name="POST /api/leads?x=1"), _span(name="mw")]
    post(drain, json.dumps(traces(spans)).encode())
    buckets = minute_buckets(migrated_db)
    assert {r: b[1] for r, b in buckets.items()} == {
        "/api/users/:id": 1,
        "/api/leads": 1,
        "unknown": 1,
    }


def test_a_malformed_span_is_skipped_and_the_others_kept(
    drain: DevServer, migrated_db: str
) -> None:
    good = [span(NOW, 120, "/api/leads/[id]") for _ in range(3)]
    bad: list[Any] = [
        _span(startTimeUnixNano="soon"),
        _span(endTimeUnixNano=None),
        _span(attributes="not a list"),  # unreadable attributes: the span keeps its name
        "not a span",
    ]
    document = traces([*good, *bad])
    document["resourceSpans"].append({"resource": {}, "scopeSpans": {"spans": "nope"}})
    document["resourceSpans"].append(7)
    answer = post(drain, json.dumps(document).encode())
    assert answer["skip_reasons"] == {"malformed_span": 5}
    buckets = minute_buckets(migrated_db)
    assert buckets["/api/leads/:id"][1] == 3 and buckets["/api/leads"][1] == 1


# --- One route vocabulary --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paths", "group"),
    [
        (["/api/leads/123?x=1", "/api/leads/:id", "/api/leads/[id]", "/api/leads/:leadId",
          "/api/leads/{lead_id}", "/api/leads/[leadId]/", "//api/leads/7#top"], "/api/leads/:id"),
        (["/docs/[...slug]", "/docs/[[...slug]]", "/docs/:path*", "/docs/*"], "/docs/*"),
        (["/(marketing)/about", "/about", "/about/"], "/about"),
        (["/dynamic/[route].json"], "/dynamic/:id.json"),
        (["/w/3f2a1b4c-1111-2222-3333-444455556666/edit"], "/w/:id/edit"),
        (["https://carbot.de/api/leads/9?x=1"], "/api/leads/:id"),
        (["/", "/?utm=1"], "/"),
        ([None, ""], "unknown"),
    ],
)  # fmt: skip
def test_route_groups_one_canonical_form(paths: list[str | None], group: str) -> None:
    assert {route_group(p) for p in paths} == {group}


def test_logs_traces_and_speed_insights_share_one_route_group(
    drain: DevServer, migrated_db: str
) -> None:
    """A concrete path in logs, a framework pattern in traces: one row with both counts."""
    logs = [request_log(NOW, f"/api/leads/{i}?ref=x", n=i) for i in range(4)]
    pattern = request_log(NOW, "/dynamic/some-value.json?route=some-value", n=9)
    pattern |= {"source": "lambda", "path": "/dynamic/[route].json"}  # the function's route
    post(drain, body_of([*logs, pattern])[0])
    spans = [
        span(NOW, 100, r)
        for r in ("/api/leads/[id]", "/api/leads/:leadId", "/dynamic/[route].json")
    ]
    post(drain, body_of(traces(spans))[0])
    post(drain, body_of([vital(NOW, "LCP", 1800, "/api/leads/[id]")])[0])
    buckets = minute_buckets(migrated_db)
    assert buckets["/api/leads/:id"][:2] == (4, 2), "requests from logs, timings from traces"
    assert buckets["/dynamic/:id.json"][:2] == (1, 1)
    assert set(buckets) == {"/api/leads/:id", "/dynamic/:id.json"}
    assert vital_pages(migrated_db) == {("LCP", "/api/leads/:id"): 1}


# --- Poison records --------------------------------------------------------------------------


def test_poison_log_records_are_skipped_with_their_reason(
    drain: DevServer, migrated_db: str
) -> None:
    good = [request_log(NOW, "/api/leads", n=i) for i in range(5)]

    def odd(n: int, **proxy: Any) -> str:
        record = request_log(NOW, "/api/leads", n=100 + n)
        record["proxy"] |= proxy
        return json.dumps(record)

    poison = [
        odd(1, path="/api/\u0000leads"),  # PostgreSQL text refuses NUL
        odd(2, statusCode=10**30),
        odd(3, timestamp=ms(NOW + timedelta(hours=2))),
        json.dumps(request_log(NOW - timedelta(days=40), n=4)),
        json.dumps(request_log(NOW, n=5) | {"deploymentId": "dpl_\u0000"}),
        json.dumps(request_log(NOW, n=6)).replace(f'"timestamp": {ms(NOW)}', '"timestamp": NaN', 1),
        json.dumps(request_log(NOW, n=7)).replace(
            f'"timestamp": {ms(NOW)}', '"timestamp": 1e300', 1
        ),
        json.dumps(request_log(NOW, "/api/x\\ud800", n=8)).replace("\\\\ud800", "\\ud800"),
        json.dumps(request_log(NOW, n=9) | {"timestamp": "yesterday"}),
        "{this line is no JSON",
        "42",
    ]
    lines = [*(json.dumps(r) for r in good), *poison]
    answer = post(drain, "\n".join(lines).encode())
    assert answer["skip_reasons"] == {
        "bad_status": 1,
        "bad_timestamp": 1,
        "in_future": 2,
        "invalid_text": 3,
        "malformed": 3,
        "too_old": 1,
    }
    assert answer["records"] == len(lines) and answer["skipped"] == len(poison)
    assert minute_buckets(migrated_db) == {"/api/leads": (5, 0, 0.0, 5 * 1200)}


def test_sizes_are_clamped_before_they_are_summed(drain: DevServer, migrated_db: str) -> None:
    huge = request_log(NOW, "/api/export", size=10**30, n=1)  # over PostgreSQL's bigint
    answer = post(drain, body_of([huge, request_log(NOW, "/api/export", n=2)])[0])
    assert answer["clamped"] == {"response_bytes": 1}
    assert minute_buckets(migrated_db)["/api/export"][3] == MAX_RESPONSE_BYTES + 1200


def test_poison_spans_are_skipped_and_durations_clamped(drain: DevServer, migrated_db: str) -> None:
    normal = [span(NOW, 100, "/api/leads") for _ in range(49)]
    endless = _span(name="GET /api/leads", endTimeUnixNano=str(ns(NOW) + 10**30))
    poison = [
        _span(startTimeUnixNano="9" * 30, endTimeUnixNano="9" * 31),  # past the year 9999
        _span(endTimeUnixNano=str(ns(NOW) - 1)),  # ends before it starts
        _span(startTimeUnixNano=str(ns(NOW - timedelta(days=36)))),
        _span(name="GET /api/\u0000"),
        _span(startTimeUnixNano=1.5e400),
    ]
    answer = post(drain, json.dumps(traces([*normal, endless, *poison])).encode())
    assert answer["skip_reasons"] == {
        "in_future": 1,
        "invalid_text": 1,
        "malformed_span": 1,
        "negative_duration": 1,
        "too_old": 1,
    }
    assert answer["clamped"] == {"duration": 1}
    requests, timed, duration, _ = minute_buckets(migrated_db)["/api/leads"]
    assert (requests, timed) == (0, 50)
    assert duration == pytest.approx(49 * 100 + MAX_DURATION_MS), "30 minutes at most, not 10^24 ms"


def test_poison_speed_insights_are_skipped_with_their_reason(
    drain: DevServer, migrated_db: str
) -> None:
    def point(**changes: Any) -> str:
        return json.dumps(vital(NOW, "LCP", 1800, "/pricing") | changes)

    lines = [
        point(),
        point(metricType="cls", value=0.05),
        point().replace('"value": 1800', '"value": Infinity'),
        point().replace('"value": 1800', '"value": NaN'),
        point(value=-3),
        point(timestamp="not a date"),
        point(timestamp="9999-12-31T23:59:59Z"),
        point(timestamp=(NOW - timedelta(days=40)).isoformat()),
        point(route="/pricing\u0000"),
        point(metricType="XYZ"),
        point(value="fast"),
    ]
    answer = post(drain, "\n".join(lines).encode())
    assert answer["kind"] == "speed_insights"
    assert answer["skip_reasons"] == {
        "bad_timestamp": 1,
        "bad_value": 3,
        "in_future": 1,
        "invalid_text": 1,
        "malformed": 1,
        "too_old": 1,
        "unknown_metric": 1,
    }
    assert vital_pages(migrated_db) == {("LCP", "/pricing"): 1, ("CLS", "/pricing"): 1}


def _log_line(**changes: Any) -> str:
    return json.dumps(request_log(NOW, "/api/leads", n=99) | changes)


def _proxy_line(**changes: Any) -> str:
    record = request_log(NOW, "/api/leads", n=98)
    record["proxy"] |= changes
    return json.dumps(record)


def _vital_line(value: str = "1800", **changes: Any) -> str:
    return json.dumps(vital(NOW, "LCP", 1800, "/api/leads") | changes).replace("1800", value)


def _span_doc(**changes: Any) -> str:
    return json.dumps(traces([span(NOW, 100, "/api/leads"), _span(**changes)]))


@pytest.mark.parametrize(
    ("kind", "poison", "reason"),
    [
        ("log", _proxy_line(path="/api/leads/\u0000"), "invalid_text"),
        ("log", _log_line(deploymentId="dpl\u0000"), "invalid_text"),
        ("log", _log_line().replace(f": {ms(NOW)},", ": NaN,"), "bad_timestamp"),
        ("log", _proxy_line(timestamp=1e300), "in_future"),
        ("log", _proxy_line(timestamp=-1e300), "too_old"),
        ("log", _proxy_line(statusCode=10**30), "bad_status"),
        ("log", _proxy_line(path="/api/\ud800"), "invalid_text"),  # a lone surrogate in the JSON
        ("log", "{this line is no JSON", "malformed"),
        ("log", "[" * 100_000, "malformed"),  # deeper than any JSON reader recurses
        ("speed_insights", _vital_line("Infinity"), "bad_value"),
        ("speed_insights", _vital_line("NaN"), "bad_value"),
        ("speed_insights", _vital_line(timestamp="2023-13-45T99:00:00Z"), "bad_timestamp"),
        ("trace", _span_doc(startTimeUnixNano="9" * 30, endTimeUnixNano="9" * 31), "in_future"),
        ("trace", _span_doc(kind="SPAN_KIND_SERVER", startTimeUnixNano="-5"), "too_old"),
    ],
)  # fmt: skip
def test_one_poison_record_costs_only_itself(
    drain: DevServer, migrated_db: str, kind: str, poison: str, reason: str
) -> None:
    """Today each of these is a 500, a 503 "store unavailable" or a 400 for the whole delivery,
    and Vercel retries the same bytes forever."""
    good = {
        "log": [json.dumps(request_log(NOW, "/api/leads", n=i)) for i in range(3)],
        "speed_insights": [json.dumps(vital(NOW, "LCP", 1500, "/api/leads"))],
        "trace": [],
    }[kind]
    answer = post(drain, "\n".join([*good, poison]).encode())
    if kind == "log":
        assert minute_buckets(migrated_db) == {"/api/leads": (3, 0, 0.0, 3 * 1200)}
    elif kind == "trace":
        assert minute_buckets(migrated_db) == {"/api/leads": (0, 1, 100.0, 0)}
    else:
        assert vital_pages(migrated_db) == {("LCP", "/api/leads"): 1}
    assert (answer["kind"], answer["skip_reasons"]) == (kind, {reason: 1})


def test_one_endless_span_cannot_make_the_average(drain: DevServer, migrated_db: str) -> None:
    """One span of 10^30 ns made the average 3 × 10^21 ms; it counts as Vercel's longest
    function duration (30 minutes) at most."""
    spans = [span(NOW, 100, "/api/leads") for _ in range(49)]
    spans.append(_span(name="GET /api/leads", endTimeUnixNano=str(ns(NOW) + 10**30)))
    post(drain, json.dumps(traces(spans)).encode())
    buckets = minute_buckets(migrated_db).values()
    timed, duration = sum(b[1] for b in buckets), sum(b[2] for b in buckets)
    assert timed == 50 and duration / timed <= (49 * 100 + MAX_DURATION_MS) / 50


NASTY: list[Any] = [
    float("nan"), float("inf"), -float("inf"), 1e308, -1, 0, 10**30, -(10**30), True, None, "",
    "\u0000", "\ud800", "/a/\u0000", "9" * 40, "SPAN_KIND_SERVER", "server", [], {}, [1], {"a": 1},
    "2023-13-45T99:00:00Z", "9999-12-31T23:59:59Z", "/api/leads/[id]", "x" * 5000,
]  # fmt: skip
LOG_FIELDS = ["timestamp", "deploymentId", "statusCode", "path", "source", "proxy"]
PROXY_FIELDS = ["timestamp", "path", "statusCode", "responseByteSize", "vercelCache"]
SPAN_FIELDS = ["startTimeUnixNano", "endTimeUnixNano", "kind", "parentSpanId", "name", "attributes"]
VITAL_FIELDS = ["timestamp", "value", "metricType", "route", "path", "schema"]


def test_random_poison_never_costs_the_delivery(drain: DevServer, migrated_db: str) -> None:
    """Brute force: records with random fields set to random nasty values, three kinds, several
    deliveries. Every answer is a 200, and what is stored is exactly what was not skipped."""
    rng = Random(22)
    expected = {"requests": 0, "timed": 0, "samples": 0}
    for delivery in range(6):
        logs, spans, points = [], [], []
        for n in range(40):
            record = request_log(NOW - timedelta(minutes=rng.randrange(30)), "/api/r", n=n)
            span_ = span(NOW - timedelta(minutes=rng.randrange(30)), rng.uniform(1, 900), "/api/r")
            point = vital(NOW - timedelta(minutes=rng.randrange(30)), "LCP", 1800.0, "/r")
            if rng.random() < 0.5:
                target = record["proxy"] if rng.random() < 0.5 else record
                fields_ = PROXY_FIELDS if target is record["proxy"] else LOG_FIELDS
                target[rng.choice(fields_)] = rng.choice(NASTY)
                span_[rng.choice(SPAN_FIELDS)] = rng.choice(NASTY)
                point[rng.choice(VITAL_FIELDS)] = rng.choice(NASTY)
            logs.append(json.dumps(record))
            spans.append(span_)
            points.append(json.dumps(point))
        for kind, raw in (
            ("requests", "\n".join(logs).encode()),
            ("timed", json.dumps(traces(spans)).encode()),
            (
                "samples",
                ("[" + ",".join(points) + "]" if delivery % 2 else "\n".join(points)).encode(),
            ),
        ):
            answer = post(drain, raw)
            expected[kind] += answer["records"] - answer["skipped"]
    stored = rows(
        migrated_db,
        "select coalesce(sum(requests), 0), coalesce(sum(timed), 0)"
        " from monitoring_traffic_buckets where grain = 'minute'",
    )[0]
    samples = rows(migrated_db, "select coalesce(sum(samples), 0) from monitoring_web_vitals_hours")
    assert (int(stored[0]), int(stored[1]), int(samples[0][0])) == (
        expected["requests"],
        expected["timed"],
        expected["samples"],
    )
    assert 0 < expected["requests"] < 240 and 0 < expected["timed"] < 240
