"""Read a status page's RSS/Atom history feed: Atlassian Statuspage or incident.io.

Statuspage (`/history.atom`, `/history.rss`; e.g. stripestatus.com) writes one entry per incident
or maintenance, its `published`/`updated` the time of the NEWEST update, and every update in the
HTML content, newest first: `<small>Jan <var>14</var>, <var>19:52</var> UTC</small><br>
<strong>Investigating</strong> - ...`. A maintenance's updates are `Scheduled`, `In progress`,
`Verifying`, `Completed`; RSS items of a maintenance may start with `THIS IS A SCHEDULED EVENT
Jan 16, 12:00 - 16:00 GMT`. incident.io (status.openai.com) writes `<b>Status: Investigating</b>`.
So: the entry's status is its newest update's word, its start the time of its OLDEST update, and an
entry whose newest update is `Scheduled` is upcoming maintenance, not an incident.
docs/configuration.md ("Provider status") holds the evidence and what is inferred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from lib.providers import ProviderIncident, ProviderMaintenance

# An unresolved entry not updated for this long is stale history, not an open incident.
FEED_MAX_AGE = timedelta(days=3)
# An announced maintenance without a readable window is dropped this long after its announcement.
UPCOMING_MAX_AGE = timedelta(days=30)
CLOSED = frozenset(
    {"resolved", "completed", "complete", "postmortem", "closed", "maintenance complete"}
)
SCHEDULED = frozenset({"scheduled", "maintenance scheduled", "upcoming"})
UNDER_WAY = frozenset({"in progress", "verifying", "maintenance in progress", "under maintenance"})
MONTHS = {
    m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                                "oct", "nov", "dec"), 1)
}  # fmt: skip
# Zone abbreviations Statuspage prints after an update's time (the page's own time zone).
ZONES = {
    **dict.fromkeys(("utc", "gmt", "z"), 0),
    "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    "bst": 1, "cet": 1, "cest": 2, "eet": 2, "eest": 3, "jst": 9, "aest": 10, "aedt": 11,
}  # fmt: skip
_UPDATE = re.compile(
    r"<small>(?P<when>.{0,200}?)</small>\s*(?:<br\s*/?>)?\s*<(?:strong|b)>(?P<word>[^<]{1,40})</",
    re.I | re.S,
)
_WORD = re.compile(r"<(?:b|strong)>\s*(?:Status:\s*)?([A-Za-z][A-Za-z _]{1,30}?)\s*</", re.I)
_TIME = r"([A-Za-z]{3})\s+(\d{1,2})\s*,\s*(\d{1,2}):(\d{2})"
_WHEN = re.compile(_TIME + r"\s*([A-Za-z]{1,5}\b)?")
_WINDOW = re.compile(
    r"SCHEDULED EVENT\s+" + _TIME + r"\s*-\s*(?:([A-Za-z]{3})\s+(\d{1,2})\s*,\s*)?"
    r"(\d{1,2}):(\d{2})\s*([A-Za-z]{1,5})\b"
)
_TAG = re.compile(r"<[^>]*>")


@dataclass
class Entry:
    """One incident or maintenance of the feed, its updates merged."""

    title: str
    link: str | None
    words: list[str]  # status words, newest first
    newest: datetime
    start: datetime
    window: tuple[datetime, datetime] | None


class NotAFeed(Exception):
    """The body is not an RSS or Atom feed."""


Reading = tuple[str, str | None, list[ProviderIncident], list[ProviderMaintenance]]


def parse_feed(provider: str, body: bytes, now: datetime) -> Reading:
    """(indicator, description, open incidents, upcoming and running maintenance)."""
    import feedparser  # only the health-check cron needs it

    parsed: Any = feedparser.parse(body)
    if not parsed.get("version") or (parsed.get("bozo") and not parsed.entries):
        raise NotAFeed
    merged: dict[str, Entry] = {}
    for raw in parsed.entries:  # one entry per incident, or one per update: merged by id
        entry = _entry(raw)
        key = raw.get("id") or raw.get("link") or entry.title
        merged[key] = _merge(merged[key], entry) if key in merged else entry
    incidents: list[ProviderIncident] = []
    maintenances: list[ProviderMaintenance] = []
    for entry in merged.values():
        word = entry.words[0] if entry.words else "investigating"
        if word in CLOSED:
            continue
        maintenance = any(w in SCHEDULED or w in UNDER_WAY for w in entry.words)
        running = any(w in UNDER_WAY for w in entry.words)
        if maintenance and not running:
            if _upcoming(entry, now):
                maintenances.append(_maintenance(provider, entry, "scheduled"))
        elif now - entry.newest > FEED_MAX_AGE:
            continue
        elif maintenance:
            maintenances.append(_maintenance(provider, entry, "in_progress"))
        else:
            incidents.append(
                ProviderIncident(
                    provider=provider,
                    name=entry.title,
                    status=word,
                    started_at=entry.start,
                    url=entry.link,
                    impact=None,
                )
            )
    incidents.sort(key=lambda i: i.started_at or now)
    maintenances.sort(key=lambda m: m.scheduled_for or now)
    if incidents:
        return "minor", f"{len(incidents)} open incident(s)", incidents, maintenances
    if any(m.status == "in_progress" for m in maintenances):
        return "maintenance", "Maintenance in progress", incidents, maintenances
    return "none", "No open incidents", incidents, maintenances


def _entry(raw: Any) -> Entry:
    html = _html(raw)
    newest = _time(raw.get("updated_parsed")) or _time(raw.get("published_parsed")) or _EPOCH
    updates = [(m.group("word"), _TAG.sub(" ", m.group("when"))) for m in _UPDATE.finditer(html)]
    if updates:
        words = [_normal(word) for word, _ in updates]
        start = _dated(_WHEN.search(updates[-1][1]), newest, before=True)
    else:  # incident.io: the status only; its entry's `published` is the incident's
        match = _WORD.search(html)
        words = [_normal(match.group(1))] if match else _title_word(raw)
        start = None
    published = _time(raw.get("published_parsed"))
    return Entry(
        title=str(raw.get("title", "incident"))[:200],
        link=raw.get("link"),
        words=words,
        newest=newest,
        start=start or (published if not updates else None) or newest,
        window=_window(_TAG.sub(" ", html), newest),
    )


def _merge(old: Entry, new: Entry) -> Entry:
    """Two entries of one incident (a feed of updates): the newest speaks, the oldest started."""
    newer, older = (new, old) if new.newest >= old.newest else (old, new)
    return Entry(
        title=newer.title,
        link=newer.link or older.link,
        words=newer.words + older.words,
        newest=newer.newest,
        start=min(newer.start, older.start),
        window=newer.window or older.window,
    )


def _upcoming(entry: Entry, now: datetime) -> bool:
    if entry.window is not None:
        return entry.window[1] > now
    return now - entry.newest <= UPCOMING_MAX_AGE


def _maintenance(provider: str, entry: Entry, status: str) -> ProviderMaintenance:
    window = entry.window or (None, None)
    return ProviderMaintenance(
        provider=provider,
        name=entry.title,
        status=status,  # type: ignore[arg-type]
        scheduled_for=window[0],
        scheduled_until=window[1],
        url=entry.link,
    )


def _html(raw: Any) -> str:
    for field in ("content", "summary", "description"):
        value = raw.get(field)
        text = value[0].get("value", "") if isinstance(value, list) and value else value
        if isinstance(text, str) and text:
            return text
    return ""


def _normal(word: str) -> str:
    return " ".join(word.lower().replace("status:", "").replace("_", " ").split())


def _title_word(raw: Any) -> list[str]:
    title = str(raw.get("title", "")).lower()
    return ["resolved"] if title.startswith(("[resolved]", "resolved")) else []


def _dated(match: re.Match[str] | None, anchor: datetime, before: bool) -> datetime | None:
    """`Jan 14, 19:52 UTC` as a datetime: the feed prints no year, so the year is the one that
    puts it just before (an update's time) or just after (a maintenance window) the anchor."""
    if match is None:
        return None
    month, day, hour, minute, zone = match.groups()
    return _at(month, day, hour, minute, zone, anchor, before)


def _at(
    month: str, day: str, hour: str, minute: str, zone: str | None, anchor: datetime, before: bool
) -> datetime | None:
    offset = ZONES.get((zone or "utc").lower())
    if month.lower() not in MONTHS or offset is None:
        return None  # a zone we cannot place: the caller falls back to the feed's own time
    tz = timezone(timedelta(hours=offset))
    for year in (anchor.year, anchor.year - 1, anchor.year + 1):
        try:
            found = datetime(
                year, MONTHS[month.lower()], int(day), int(hour), int(minute), 0, 0, tz
            )
        except ValueError:
            continue
        slack = timedelta(days=1)
        if (before and found <= anchor + slack and anchor - found < timedelta(days=330)) or (
            not before and found >= anchor - slack and found - anchor < timedelta(days=330)
        ):
            return found.astimezone(UTC)
    return None


def _window(text: str, anchor: datetime) -> tuple[datetime, datetime] | None:
    match = _WINDOW.search(text)
    if match is None:
        return None
    month, day, hour, minute, end_month, end_day, end_hour, end_minute, zone = match.groups()
    start = _at(month, day, hour, minute, zone, anchor, before=False)
    end = _at(end_month or month, end_day or day, end_hour, end_minute, zone, anchor, False)
    if start is None or end is None:
        return None
    return start, end if end >= start else end + timedelta(days=1)


def _time(value: Any) -> datetime | None:
    return datetime(*value[:6], tzinfo=UTC) if value else None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
