"""/api/status and /api/badge over real HTTP: headers, shapes, the shields schema, SVG, 400s."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from lib.endpoints.badge import ShieldsBadge, text_width
from lib.endpoints.status import StatusBody
from lib.store import Store
from lib.store.postgres import PostgresTransport
from tests.conftest import SECRETS, DevServer, _clone, assert_no_secret, dead_url, vendor_env
from tests.status_history import seed_history

SHIELDS_KEYS = {"schemaVersion": int, "label": str, "message": str, "color": str}
SHIELDS_OPTIONAL = {"cacheSeconds": int}
STATUS_CACHE = "public, s-maxage=60, stale-while-revalidate=300"


@pytest.fixture(scope="module")
def history_db(pg, monitor_template: str) -> Iterator[str]:
    for name in _clone(pg, monitor_template):
        url = pg.url_for(name)
        seed_history(url, datetime.now(UTC), days=10, every_minutes=30)
        yield url


@pytest.fixture(scope="module")
def server(history_db: str, fake_openai, fake_stripe, fake_resend) -> Iterator[DevServer]:
    """Vendors configured and pointing at the fakes: the endpoints must never call them."""
    dev = DevServer(vendor_env(fake_openai, fake_stripe, fake_resend, history_db))
    yield dev
    assert_no_secret(dev.close())


def parse_svg(text: str) -> ET.Element:
    """Parse as XML (raises unless well-formed); only our own SVG output is parsed."""
    return ET.fromstring(text)  # noqa: S314


def assert_shields_schema(body: dict) -> None:
    """Exactly the keys shields' endpoint badge accepts, each of the right type."""
    assert set(body) - set(SHIELDS_OPTIONAL) == set(SHIELDS_KEYS), body
    for key, value in body.items():
        expected = {**SHIELDS_KEYS, **SHIELDS_OPTIONAL}[key]
        assert type(value) is expected, (key, value)
    assert body["schemaVersion"] == 1
    assert body["label"] and body["message"]
    assert body.get("cacheSeconds", 300) >= 300


def test_status_endpoint(server: DevServer, fake_openai, fake_stripe, fake_resend) -> None:
    response = server.get("/api/status")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cache-control"] == STATUS_CACHE
    body = StatusBody.model_validate(response.json())
    assert list(body.services) == ["database", "openai", "stripe", "email"]
    assert body.status in ("operational", "degraded", "down")
    assert all(s.status != "unknown" and s.uptime.h24 is not None for s in body.services.values())
    assert body.history is not None and len(body.history.days) == 90
    assert sum(1 for v in body.history.overall.uptime_pct if v is not None) in (10, 11)
    assert set(response.json()["uptime"]) == {"24h", "7d", "30d"}
    assert_no_secret(response.text)
    assert server.request("HEAD", "/api/status").content == b""
    post = server.request("POST", "/api/status")
    assert post.status_code == 405 and post.headers["allow"] == "GET, OPTIONS, HEAD"
    preflight = server.request("OPTIONS", "/api/status")
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["access-control-allow-methods"]
    for fake in (fake_openai, fake_stripe, fake_resend):
        assert fake.requests == [], "the status summary must never call a vendor"


def test_badge_json_is_strict_shields_schema(server: DevServer, history_db: str) -> None:
    response = server.get("/api/badge")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cache-control"] == STATUS_CACHE
    body = response.json()
    assert_shields_schema(body)
    assert body["label"] == "CarBot"
    status = server.get("/api/status").json()["status"]
    assert body["message"] == status
    colors = {"operational": "brightgreen", "degraded": "yellow", "down": "red"}
    assert body["color"] == colors[status]
    ShieldsBadge.model_validate(body)


def test_badge_uptime_windows(server: DevServer) -> None:
    uptime = server.get("/api/status").json()["uptime"]
    for window in ("24h", "7d", "30d"):
        body = server.get("/api/badge", params={"metric": "uptime", "window": window}).json()
        assert_shields_schema(body)
        assert body["label"] == f"uptime {window}"
        assert body["message"] == f"{uptime[window]:.3f}"[:-1] + "%"
        assert body["message"].endswith("%") and 90 < float(body["message"][:-1]) <= 100
    assert server.get("/api/badge?metric=uptime").json()["label"] == "uptime 30d"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("metric=latency", "unknown metric 'latency'; accepted: status, uptime"),
        ("metric=uptime&window=1y", "unknown window '1y'; accepted: 24h, 7d, 30d"),
        ("format=png", "unknown format 'png'; accepted: json, svg"),
        ("style=flat", "unknown parameter 'style'; accepted: metric, window, format"),
        ("window=7d", "window applies to metric=uptime only"),
    ],
)
def test_badge_bad_parameters(server: DevServer, query: str, message: str) -> None:
    response = server.get(f"/api/badge?{query}")
    assert response.status_code == 400
    assert response.json() == {"error": message}


def test_badge_svg(server: DevServer) -> None:
    for query, label in (("format=svg", "CarBot"), ("format=svg&metric=uptime", "uptime 30d")):
        response = server.get(f"/api/badge?{query}")
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/svg+xml; charset=utf-8"
        assert response.headers["access-control-allow-origin"] == "*"
        root = parse_svg(response.text)
        ns = {"s": "http://www.w3.org/2000/svg"}
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.get("role") == "img"
        title = root.find("s:title", ns)
        assert title is not None and title.text is not None and title.text.startswith(label + ": ")
        assert root.get("aria-label") == title.text
        message = title.text.removeprefix(label + ": ")
        texts = root.findall(".//s:text", ns)
        assert [t.text for t in texts] == [label, message]
        rects = root.findall(".//s:g/s:rect", ns)
        left, right = float(rects[0].get("width")), float(rects[1].get("width"))
        assert float(root.get("width")) == left + right
        for text, box in zip(texts, (left, right), strict=True):
            length = float(text.get("textLength"))
            assert length == text_width(text.text)
            assert box - 14 <= length <= box - 10  # the text fits its half with 6 px padding


def test_svg_escapes_and_widths() -> None:
    from lib.endpoints.badge import render_svg

    svg = render_svg(ShieldsBadge(label="a<b & c", message="x\"y'z", color="blue"))
    root = parse_svg(svg)
    assert root.find("{http://www.w3.org/2000/svg}title").text == "a<b & c: x\"y'z"
    assert text_width("operational") > text_width("99.95%") > text_width("down")
    assert text_width("mmmm") > text_width("iiii")


def test_store_down_is_a_clear_503(dev_server) -> None:
    server = dev_server({**SECRETS, "DATABASE_URL": f"postgresql://u:p@{dead_url()[7:]}/x"})
    response = server.get("/api/status")
    assert response.status_code == 503
    assert response.headers["access-control-allow-origin"] == "*"
    body = response.json()
    assert body["status"] == "unknown"
    assert body["reason"] == "status history unavailable: connection refused"
    assert_no_secret(response.text)
    badge = server.get("/api/badge").json()
    assert badge == {
        "schemaVersion": 1,
        "label": "CarBot",
        "message": "unknown",
        "color": "lightgrey",
        "cacheSeconds": 300,
    }


def test_not_configured_is_unknown(dev_server) -> None:
    server = dev_server({})
    response = server.get("/api/status")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["reason"]) == ("unknown", "no store configured")
    svg = server.get("/api/badge?format=svg&metric=uptime&window=24h")
    title = parse_svg(svg.text).find("{http://www.w3.org/2000/svg}title")
    assert title is not None and title.text == "uptime 24h: unknown"


def test_empty_history_over_http(dev_server, migrated_db: str) -> None:
    with Store(PostgresTransport(migrated_db, 5)) as db:
        db.record_checks([])
    server = dev_server({"DATABASE_URL": migrated_db})
    body = server.get("/api/status").json()
    assert body["status"] == "unknown" and body["reason"] == "no checks recorded yet"
    assert body["services"] == {} and len(body["history"]["days"]) == 90
    assert server.get("/api/badge").json()["message"] == "unknown"
    recent = datetime.now(UTC) - timedelta(minutes=1)
    with Store(PostgresTransport(migrated_db, 5)) as db:
        db.record_checks([{"service": "database", "status": "ok", "latency_ms": 5,
                           "checked_at": recent}])  # fmt: skip
    assert server.get("/api/badge").json()["message"] == "operational"


def test_page_is_served_at_status(server: DevServer) -> None:
    """`make dev` serves public/status at /status; vercel.json rewrites /status there on Vercel."""
    import json

    from tests.conftest import ROOT

    page = server.get("/status")
    assert page.status_code == 200 and "<title>CarBot Status</title>" in page.text
    for asset, kind in (("/status/status.js", "javascript"), ("/status/status.css", "text/css")):
        response = server.get(asset)
        assert response.status_code == 200 and kind in response.headers["content-type"]
        assert asset in page.text  # absolute paths: the page works at /status and /status/
    rewrites = json.loads((ROOT / "vercel.json").read_text())["rewrites"]
    rule = next(r for r in rewrites if r["source"] == "/status")
    assert (ROOT / "public" / rule["destination"].lstrip("/")).is_file()


def test_after_the_scheduled_check(
    dev_server, migrated_db: str, fake_openai, fake_stripe, fake_resend
) -> None:
    """The cron's stored checks and alert rows are what /api/status and the badge report."""
    server = dev_server(
        vendor_env(
            fake_openai, fake_stripe, fake_resend, migrated_db, CRITICAL_SERVICES="database,openai"
        )
    )
    down_since = datetime.now(UTC) - timedelta(minutes=3)
    with Store(PostgresTransport(migrated_db, 5)) as db:
        db.record_checks([{"service": "openai", "status": "down", "checked_at": down_since}])
    fake_openai.mode = "500"
    auth = {"Authorization": f"Bearer {SECRETS['CRON_SECRET']}"}
    assert server.get("/api/cron/health_check", headers=auth).status_code == 200
    for fake in (fake_openai, fake_stripe, fake_resend):
        fake.reset()
    body = server.get("/api/status").json()
    assert {name: s["status"] for name, s in body["services"].items()} == {
        "database": "operational",
        "openai": "down",
        "stripe": "operational",
        "email": "operational",
    }
    assert body["status"] == "down" and body["description"] == "Major outage"
    assert body["uptime"]["24h"] == 60.0  # 3 of 5 stored checks answered (openai down twice)
    assert "alerts" not in body and body["incidents"] == []  # no rule reaches the public
    token = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
    private = server.get("/api/status", headers=token).json()
    assert [(i["title"], i["severity"]) for i in private["alerts"]] == [
        ("Critical service unresponsive (openai)", "critical")
    ]
    badge = server.get("/api/badge").json()
    assert (badge["message"], badge["color"]) == ("down", "red")
    for fake in (fake_openai, fake_stripe, fake_resend):
        assert fake.requests == []
