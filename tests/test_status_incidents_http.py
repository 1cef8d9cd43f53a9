"""/api/incidents over real HTTP: an incident's lifecycle, maintenance, clear 400s, the token,
and what /api/status and the Atom feed show of them (issue 26)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import feedparser
import pytest

from tests.conftest import DB_PASSWORD, _clone
from tests.fakes.vendors import FakeResend
from tests.status_server import TOKEN, StatusServer, status_server

TITLE = {"de": "Chat antwortet nicht", "en": "Chat not answering"}


@pytest.fixture(scope="module")
def server(pg, monitor_template: str, fake_resend: FakeResend) -> Iterator[StatusServer]:
    for name in _clone(pg, monitor_template):
        url = f"postgresql://postgres:{DB_PASSWORD}@127.0.0.1:{pg.port}/{name}"
        with status_server(url, fake_resend) as running:
            yield running


def post(server: StatusServer, body: object, **kwargs: object) -> object:
    return server.request("POST", "/api/incidents", json=body, headers=TOKEN, **kwargs)


def patch(server: StatusServer, ident: str, body: object) -> object:
    return server.request("PATCH", f"/api/incidents/{ident}", json=body, headers=TOKEN)


def test_incident_lifecycle(server: StatusServer) -> None:
    draft = {
        "title": TITLE,
        "impact": "major",
        "components": [{"id": "chat", "impact": "major"}],
        "message": {"de": "Wir prüfen das.", "en": "We are looking into it."},
        "published": False,
    }
    created = post(server, draft)
    assert created.status_code == 201, created.text
    ident = created.json()["id"]
    assert created.headers["Location"] == f"/api/incidents/{ident}"
    listed = server.request("GET", "/api/incidents", headers=TOKEN).json()["events"]
    assert [e["id"] for e in listed] == [ident] and listed[0]["published"] is False
    assert server.request("GET", "/api/status").json()["incidents"] == []  # a draft is private

    assert patch(server, ident, {"published": True}).status_code == 200
    no_message = patch(server, ident, {"status": "identified"})
    assert no_message.status_code == 400 and "needs a message" in no_message.json()["error"]
    for status in ("identified", "monitoring", "resolved"):
        answer = patch(server, ident, {"status": status, "message": {"de": status, "en": status}})
        assert answer.status_code == 200 and answer.json()["status"] == status
    postmortem = {
        "cause": {"de": "Abgelaufener Schlüssel", "en": "Expired key"},
        "resolution": {"de": "Schlüssel erneuert", "en": "Key renewed"},
        "action_items": [{"de": "Ablauf überwachen", "en": "Watch expiry"}],
        "episodes": ["service_unresponsive:openai"],
        "deployments": ["dpl_123"],
    }
    done = patch(server, ident, {"postmortem": postmortem})
    assert done.status_code == 200 and done.json()["postmortem"]["cause"]["en"] == "Expired key"
    public = server.request("GET", "/api/status").json()
    (incident,) = public["incidents"]
    assert incident["status"] == "resolved" and incident["resolved_at"] is not None
    assert [u["status"] for u in incident["updates"]] == [
        "investigating",
        "identified",
        "monitoring",
        "resolved",
    ]
    assert "postmortem" not in incident and "published" not in incident
    chat = next(c for c in public["components"] if c["id"] == "chat")
    assert ident in chat["history"][-1]["incidents"]


def test_requests_are_checked(server: StatusServer) -> None:
    assert server.request("POST", "/api/incidents", json={"title": TITLE}).status_code == 401
    bad_json = server.request("POST", "/api/incidents", content=b"{", headers=TOKEN)
    assert bad_json.status_code == 400 and bad_json.json()["error"] == "the body is not valid JSON"
    missing = post(server, {"title": TITLE})
    assert missing.status_code == 400 and missing.json()["error"] == "message: Field required"
    unknown = post(
        server,
        {"title": TITLE, "message": TITLE, "components": [{"id": "kitchen", "impact": "minor"}]},
    )
    assert unknown.status_code == 400 and "unknown component 'kitchen'" in unknown.json()["error"]
    extra = post(server, {"title": TITLE, "message": TITLE, "severity": "high"})
    assert extra.status_code == 400 and "severity" in extra.json()["error"]
    now = datetime.now(UTC)
    backwards = post(
        server,
        {
            "kind": "maintenance",
            "title": TITLE,
            "message": TITLE,
            "starts_at": now.isoformat(),
            "ends_at": (now - timedelta(hours=1)).isoformat(),
        },
    )
    assert backwards.status_code == 400 and "ends_at must be after" in backwards.json()["error"]
    assert patch(server, "inc_nothere", {"published": True}).status_code == 404
    assert patch(server, "../etc", {"published": True}).status_code in (400, 404)


def test_maintenance_listed_and_in_the_feed(server: StatusServer) -> None:
    now = datetime.now(UTC)
    created = post(
        server,
        {
            "kind": "maintenance",
            "title": {"de": "Datenbank-Update <b>", "en": "Database upgrade \u202e"},
            "message": {"de": "Kurze Unterbrechung", "en": "Short interruption"},
            "starts_at": (now + timedelta(hours=2)).isoformat(),
            "ends_at": (now + timedelta(hours=3)).isoformat(),
            "components": ["workshop-app"],
        },
    )
    assert created.status_code == 201, created.text
    ident = created.json()["id"]
    public = server.request("GET", "/api/status").json()
    shown = next(m for m in public["maintenance"] if m["id"] == ident)
    assert shown["state"] == "scheduled" and shown["components"] == ["workshop-app"]
    for lang in ("de", "en"):
        feed = server.request("GET", f"/api/status/feed.atom?lang={lang}")
        assert feed.headers["content-type"].startswith("application/atom+xml")
        parsed = feedparser.parse(feed.content)
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert parsed.version == "atom10"
        titles = [e.title for e in parsed.entries]
        expected = (
            "Geplante Wartung: Datenbank-Update <b>"
            if lang == "de"
            else "Scheduled maintenance: Database upgrade \ufffd"
        )
        assert expected in titles, titles
    assert server.request("GET", "/api/status/feed.atom?lang=fr").status_code == 400
    cancelled = patch(server, ident, {"cancelled": True})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    public = server.request("GET", "/api/status").json()
    assert ident not in [m["id"] for m in public["maintenance"]]
