"""The Web Analytics drain end to end: signed deliveries through the dev server into PostgreSQL,
Vercel's examples verbatim, unique visitors against a brute-force count, no id kept once a day
is counted, poison events, /api/analytics, the daily metrics and the REST API fallback."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from lib.core.monitor_config import MonitorConfig
from lib.core.signatures import sign
from lib.drains.metrics import VisitorsDay
from lib.metrics import DayWindow, SourceContext, SourceError
from tests.alerting import open_store, settings_for
from tests.conftest import SECRETS, DevServer, assert_no_secret
from tests.fakes.drains import SECRET, VERIFY, analytics_event, body_of
from tests.fakes.vercel_analytics import TOKEN, FakeVercelAnalytics

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db

PATH = "/api/drains/vercel"
VENDORS = Path(__file__).parent / "fixtures" / "vendors" / "vercel"
NOW = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=2)
ENV = {"VERCEL_DRAIN_SECRET": SECRET, "VERCEL_VERIFY_TOKEN": VERIFY}


@pytest.fixture(scope="module")
def drain_server(module_db: str) -> Iterator[DevServer]:
    """One dev server for the module's deliveries (a start is 0.3 s idle, seconds under load);
    its log must not contain a secret either."""
    server = DevServer({"DATABASE_URL": module_db, **ENV})
    yield server
    assert_no_secret(server.close())


@pytest.fixture
def drain(drain_server: DevServer, migrated_db: str) -> DevServer:
    return drain_server


def post(drain: DevServer, events: Any, fmt: str = "json") -> dict[str, Any]:
    body, headers = body_of(events, fmt)
    answer = drain.request("POST", PATH, content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def test_documented_examples_verbatim_are_accepted_as_too_old(drain: DevServer) -> None:
    for name in ("analytics-drains-example.json", "analytics-drains-example.ndjson"):
        raw = (VENDORS / name).read_bytes()
        headers = {"content-type": "application/json", "x-vercel-signature": sign(SECRET, raw)}
        answer = drain.request("POST", PATH, content=raw, headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.json()["kind"] == "analytics"
        assert answer.json()["skip_reasons"] == {"too_old": 2}, "dated 2023: older than 35 days"


def test_documented_examples_moved_to_now_are_counted(drain: DevServer, migrated_db: str) -> None:
    events = json.loads((VENDORS / "analytics-drains-example.json").read_text())
    for k, event in enumerate(events):
        event["timestamp"] = int(NOW.timestamp() * 1000) + k
    assert post(drain, events)["records"] == 2
    found = dict(((d, v), n) for d, v, n in rows(
        migrated_db, "select dimension, value, count from monitoring_analytics_hours"))  # fmt: skip
    assert found[("page_views", "")] == 1 and found[("events", "")] == 1
    assert found[("event", "button_click")] == 1 and found[("page", "/dashboard")] == 1
    assert found[("referrer", "(direct)")] == 1
    hashes = rows(migrated_db, "select kind, hash from monitoring_visitor_hashes")
    assert sorted(k for k, _ in hashes) == ["device", "session"], "one device, one session"
    assert all(b"67890" not in bytes(h) and len(bytes(h)) == 8 for _, h in hashes)


def _random_events(rng: random.Random, start: datetime, n: int) -> list[dict[str, Any]]:
    span_s = int((NOW - start).total_seconds())
    events = []
    for _ in range(n):
        at = start + timedelta(seconds=rng.randrange(span_s))
        device = rng.randrange(1, 400)
        events.append(
            analytics_event(
                at,
                device=device,
                session=device * 10 + rng.randrange(3),
                path=rng.choice(["/", "/pricing", "/werkstatt/42", "/login"]),
                referrer=rng.choice(["", "https://www.google.com/search", "https://carbot.de/x"]),
                country=rng.choice(["DE", "AT", "CH"]),
                deviceType=rng.choice(["desktop", "mobile"]),
                queryParams=rng.choice(["", "utm_source=news&utm_campaign=winter"]),
                **(
                    {"eventType": "event", "eventName": "chat_started"}
                    if rng.random() < 0.1
                    else {}
                ),
            )
        )
    return events


def test_unique_visitors_match_a_brute_force_count(drain: DevServer, migrated_db: str) -> None:
    """Salted 8-byte hashes count exactly up to a collision: ~n²/2⁶⁵, 4·10⁻¹⁵ for 400 ids."""
    settings = settings_for(migrated_db)
    zone = settings.metrics_timezone
    today = NOW.astimezone(zone).date()
    yesterday = DayWindow.of(today - timedelta(days=1), zone)
    events = _random_events(random.Random(28), yesterday.start.astimezone(UTC), 3000)
    for part in range(0, len(events), 700):  # several deliveries, ids repeated across them
        post(drain, events[part : part + 700], "ndjson" if part % 1400 else "json")
    assert post(drain, events[:700])["duplicate"] is True, "a retry is counted once"

    def local_day(e: dict[str, Any]) -> Any:
        return (
            datetime.fromtimestamp(e["timestamp"] // 3_600_000 * 3600, UTC).astimezone(zone).date()
        )

    with open_store(migrated_db) as store:
        for window in (yesterday, DayWindow.of(today, zone)):
            mine = [e for e in events if local_day(e) == window.day]
            views = [e for e in mine if e["eventType"] == "pageview"]
            ctx = SourceContext(settings, store, MonitorConfig(), window, 1e12, True)
            assert VisitorsDay().collect(ctx) == {
                "page_views": len(views),
                "unique_visitors": len({e["deviceId"] for e in mine}),
                "sessions": len({e["sessionId"] for e in mine}),
                "custom_events": len(mine) - len(views),
            }, window.day
    data = drain.get("/api/analytics?window=7d").json()
    views = [e for e in events if e["eventType"] == "pageview"]
    assert data["page_views"] == len(views) and data["receiving"] is True
    pages = Counter(e["path"] for e in views)
    # Most first; a tie by the page itself (the SQL orders `n desc, value`), as Counter does not.
    expected = sorted(pages.items(), key=lambda item: (-item[1], item[0]))
    assert [(r["key"], r["count"]) for r in data["top"]["page"]] == expected
    assert {r["key"] for r in data["top"]["referrer"]} == {"(direct)", "google.com"}
    assert data["top"]["utm_campaign"][0]["key"] == "winter"
    assert data["top"]["event"][0] == {
        "key": "chat_started",
        "count": len(events) - len(views),
        "share_pct": 100.0,
    }
    assert sum(r["share_pct"] for r in data["top"]["country"]) == pytest.approx(100, abs=0.05)
    assert data["visitor_days"] == sum(d["unique_visitors"] for d in data["days"])


def test_a_counted_day_keeps_no_hash_and_no_salt(drain: DevServer, migrated_db: str) -> None:
    post(drain, [analytics_event(NOW, device=d) for d in (1, 2, 2, 3)])
    with psycopg.connect(migrated_db) as conn:
        conn.execute("select monitoring_visitor_close(current_date + 3)")
    assert rows(migrated_db, "select count(*) from monitoring_visitor_hashes") == [(0,)]
    assert rows(migrated_db, "select count(*) from monitoring_visitor_salts") == [(0,)]
    assert rows(migrated_db, "select visitors, sessions from monitoring_visitor_days") == [(3, 1)]
    late = post(drain, [analytics_event(NOW, device=9)])
    assert late["records"] == 1
    assert rows(migrated_db, "select visitors from monitoring_visitor_days") == [(3,)], (
        "a closed day takes no late visitor: its salt is gone"
    )


def test_poison_events_are_skipped_with_their_reason(drain: DevServer, migrated_db: str) -> None:
    good = analytics_event(NOW, path="/ok\u202e" + "x" * 500, country="D\x00E")
    answer = post(
        drain,
        [
            good,
            analytics_event(NOW, timestamp="yesterday"),
            analytics_event(NOW, timestamp=float("1e300")),
            analytics_event(NOW - timedelta(days=40)),
            analytics_event(NOW, eventType="click"),
            analytics_event(NOW, device=-5, session="abc"),
            analytics_event(NOW, referrer="http://[broken"),
        ],
    )
    assert answer["skip_reasons"] == {
        "bad_timestamp": 1,
        "in_future": 1,
        "too_old": 1,
        "unknown_event_type": 1,
    }
    values = [v for (v,) in rows(migrated_db, "select value from monitoring_analytics_hours")]
    assert max(len(v) for v in values) <= 100 and not any("\u202e" in v for v in values)
    assert "(none)" in values, "a country with a NUL is no country"


def test_analytics_endpoint_token_and_window(
    migrated_db: str, dev_server: Callable[[dict[str, str]], DevServer]
) -> None:
    server = dev_server(
        {"DATABASE_URL": migrated_db, **ENV, "HEALTH_TOKEN": SECRETS["HEALTH_TOKEN"]}
    )
    assert server.get("/api/analytics").status_code == 401
    auth = {"authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
    empty = server.get("/api/analytics?window=30d", headers=auth).json()
    assert empty["receiving"] is False and empty["page_views"] == 0 and empty["days"] == []
    assert [c["metric"] for c in empty["capacity"]] == [
        "db_size_bytes",
        "bandwidth_bytes",
        "openai_cost_usd",
    ]
    assert {c["state"] for c in empty["capacity"]} == {"unknown", "not_configured"}
    bad = server.get("/api/analytics?window=1y", headers=auth)
    assert bad.status_code == 400 and "window must be one of" in bad.json()["error"]
    assert_no_secret(bad.text + server.close())


@pytest.fixture(scope="module")
def vercel_api() -> Iterator[FakeVercelAnalytics]:
    fake = FakeVercelAnalytics()
    yield fake
    fake.close()


def test_without_a_drain_the_rest_api_gives_the_day(
    migrated_db: str, vercel_api: FakeVercelAnalytics
) -> None:
    vercel_api.reset()
    settings = settings_for(migrated_db)
    day = DayWindow.of(NOW.astimezone(settings.metrics_timezone).date() - timedelta(days=1),
                       settings.metrics_timezone)  # fmt: skip
    with open_store(migrated_db) as store:
        ctx = SourceContext(settings, store, MonitorConfig(), day, 1e12, True)
        assert VisitorsDay().collect(ctx) == {}, "no drain, no token: absent, never 0"
        api = settings_for(
            migrated_db,
            vercel_api_token=TOKEN,
            vercel_project_id="prj_carbot",
            vercel_team_id="team_carbot",
            vercel_api_url=vercel_api.url,
        )
        ctx = SourceContext(api, store, MonitorConfig(), day, 1e12, True)
        first, second = day.start.astimezone(UTC).date(), day.end.astimezone(UTC).date()
        vercel_api.days = {first.isoformat(): (120, 40), second.isoformat(): (30, 10)}
        found = VisitorsDay().collect(ctx)
        # The local day overlaps both UTC days: views add up, visitors are an upper bound.
        assert found == {"page_views": 150, "unique_visitors": 50}
        asked = vercel_api.requests[-1]
        assert asked.arg("teamId") == "team_carbot" and asked.arg("by") == "day"
        assert int(asked.arg("since") or 0) == int(day.start.timestamp() * 1000)
        vercel_api.shape = "other"
        with pytest.raises(SourceError, match="unknown shape"):
            VisitorsDay().collect(ctx)
        vercel_api.shape = "data"
        vercel_api.mode = "403"
        with pytest.raises(SourceError) as refused:
            VisitorsDay().collect(ctx)
        assert TOKEN not in refused.value.reason
