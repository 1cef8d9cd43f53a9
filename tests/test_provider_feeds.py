"""Reading the vendors' status formats (lib/providers/feeds.py, statuspage.py) on the fixtures of
tests/fixtures/vendors/ (sources in its SOURCES.md), unchanged, and on our own variations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lib.core.safe_text import https_link
from lib.providers import ProviderIncident
from lib.providers.feeds import FEED_MAX_AGE, parse_feed
from lib.providers.statuspage import parse_summary
from tests.fakes.status import VENDORS

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_statuspage_summary_json() -> None:
    body = (VENDORS / "statuspage" / "summary.json").read_bytes()
    indicator, description, incidents, maintenances = parse_summary("vercel", body)
    assert (indicator, description) == ("major", "Partial System Outage")
    (incident,) = incidents
    assert (incident.name, incident.status, incident.impact) == (
        "Elevated API error rates",
        "monitoring",
        "major",
    )
    assert incident.started_at == at("2026-12-03T10:47:39.441")
    # The shortlink is http://: the incident's own page on the https status page instead.
    assert incident.url == "https://status.example.com/incidents/cp306tmzcl0y"
    assert [(m.name, m.status, m.scheduled_for, m.scheduled_until) for m in maintenances] == [
        (
            "Network Maintenance (No Interruption Expected)",
            "scheduled",
            at("2026-12-05T02:00"),
            at("2026-12-05T04:00"),
        ),
        (
            "Dashboard web tier recycle",
            "in_progress",
            at("2026-12-03T10:00"),
            at("2026-12-03T13:00"),
        ),
    ]


def test_statuspage_atom_maintenance_is_no_incident_and_starts_at_the_first_update() -> None:
    body = (VENDORS / "statuspage" / "history.atom").read_bytes()
    indicator, _, incidents, maintenances = parse_feed("stripe", body, NOW)
    # Only the real incident is open; the scheduled, running and completed maintenance are not.
    assert [(i.name, i.status) for i in incidents] == [("Elevated API error rates", "monitoring")]
    assert incidents[0].started_at == at("2026-12-03T10:47")  # its first update, not 11:40
    assert incidents[0].url == "https://www.stripestatus.com/incidents/k2v4p9x1q8zz"
    assert indicator == "minor"
    assert sorted((m.name, m.status) for m in maintenances) == [
        ("Dashboard web tier recycle", "in_progress"),
        ("Network maintenance (no interruption expected)", "scheduled"),
    ]
    # Days later the maintenance still only scheduled stays upcoming, not a stale incident.
    later = parse_feed("stripe", body, NOW + FEED_MAX_AGE + timedelta(hours=1))
    assert later[2] == []
    assert [m.status for m in later[3]] == ["scheduled"]


def test_incident_io_atom() -> None:
    body = (VENDORS / "incident_io" / "history.atom").read_bytes()
    indicator, _, incidents, maintenances = parse_feed("openai", body, NOW)
    (incident,) = incidents
    assert (incident.name, incident.status) == (
        "Increased latency for Chat Completions",
        "identified",
    )
    assert incident.started_at == at("2026-12-03T10:52")  # published, not the 11:31 update
    assert [(m.name, m.status) for m in maintenances] == [
        ("Planned database maintenance", "scheduled")
    ]
    assert indicator == "minor"


def feed(*entries: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>t</title>" + "".join(entries) + "</feed>"
    ).encode()


def entry(updated: str, content: str, link: str = "https://status.example.com/incidents/a") -> str:
    from html import escape

    return (
        f"<entry><id>tag:x,2005:Incident/{abs(hash(content))}</id><published>{updated}</published>"
        f"<updated>{updated}</updated><link rel='alternate' href='{link}'/><title>T</title>"
        f"<content type='html'>{escape(content)}</content></entry>"
    )


def update(when: str, word: str) -> str:
    month, rest = when.split(" ", 1)
    day, rest = rest.split(", ")
    time, zone = rest.split(" ")
    return (
        f"<p><small>{month} <var data-var='date'>{day}</var>, <var data-var='time'>{time}</var>"
        f" {zone}</small><br><strong>{word}</strong> - text</p>"
    )


def test_year_and_zone_of_the_first_update() -> None:
    body = feed(
        entry(
            "2027-01-01T01:10:00Z",
            update("Jan 1, 01:10 UTC", "Identified") + update("Dec 31, 19:30 EST", "Investigating"),
        )
    )
    (incident,) = parse_feed("stripe", body, at("2027-01-01T02:00"))[2]
    assert incident.started_at == at("2027-01-01T00:30")  # Dec 31 19:30 EST, the year before


def test_scheduled_event_window_of_statuspage_rss() -> None:
    scheduled = (
        "<p><strong>THIS IS A SCHEDULED EVENT Dec <var data-var='date'>5</var>, "
        "<var data-var='time'>23:00</var> - <var data-var='time'>01:00</var> GMT</strong></p>"
        + update("Dec 3, 09:00 GMT", "Scheduled")
    )
    body = feed(entry("2026-12-03T09:00:00Z", scheduled))
    (maintenance,) = parse_feed("stripe", body, NOW)[3]
    assert (maintenance.scheduled_for, maintenance.scheduled_until) == (
        at("2026-12-05T23:00"),
        at("2026-12-06T01:00"),
    )
    assert parse_feed("stripe", body, at("2026-12-06T02:00"))[3] == []  # the window is over


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://status.example.com/incidents/a", True),
        ("http://status.example.com/incidents/a", False),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,x", False),
        ("/incidents/a", False),
        ("//evil.example/x", False),
        ("https://user:pw@status.example.com/", False),
        ("https://status.example.com/a b", False),
        ("https://status.example.com/\nx", False),
        ("https:///nohost", False),
        (None, False),
    ],
)
def test_only_https_links_are_kept(url: str | None, kept: bool) -> None:
    assert https_link(url) == (url if kept else None)
    incident = ProviderIncident(
        provider="stripe", name="n", status="investigating", started_at=None, url=url, impact=None
    )
    assert incident.url == (url if kept else None)
    if url is not None and "///" not in url:  # feedparser itself rewrites https:///x to https://x
        body = feed(entry("2026-12-03T11:00:00Z", update("Dec 3, 11:00 UTC", "Investigating"), url))
        (parsed,) = parse_feed("stripe", body, NOW)[2]
        assert parsed.url == (url if kept else None)
