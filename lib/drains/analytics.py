"""Web Analytics drain events counted per hour and dimension; visitor and session ids per hour.

Shape: Vercel's "Web Analytics Drains Reference" (https://vercel.com/docs/drains/reference/analytics,
schema `vercel.analytics.v1`): `eventType` `pageview` or `event` (`eventName`), `timestamp` (ms),
`sessionId` and `deviceId` (numbers), `path`, `route`, `referrer`, `queryParams`, `country`,
`osName`, `clientName`, `deviceType`. No IP address is sent (a referrer that is an address is
cut to its network). Ids never reach the store as they
are: monitoring_analytics_ingest keeps only a salted hash per day, and throws hash and salt away
once the day is counted (docs/visitors.md "Unique visitors").
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lib.core.clock import CLOCK_SKEW
from lib.core.safe_text import plain
from lib.drains.edge_security import network_of
from lib.drains.retention import BUCKETS_KEPT
from lib.drains.routes import route_group
from lib.drains.sanitize import text_ok

VALUE_LENGTH = 100  # monitoring_analytics_hours.value
# Distinct values a dimension may add per delivery; the rest are counted as `(other)`, so a
# delivery of random paths cannot write thousands of rows (docs/visitors.md "Bounds").
MAX_VALUES = 200
OTHER = "(other)"
DIRECT = "(direct)"
MAX_ID = 2**63 - 1  # ids are documented as numbers; anything else is not an id
# dimension → the event's field it is read from
_FIELDS = {"country": "country", "device": "deviceType", "browser": "clientName", "os": "osName"}


@dataclass
class Visits:
    """A delivery's analytics: counts per (epoch hour, dimension, value); ids per epoch hour."""

    counts: Counter[tuple[int, str, str]] = field(default_factory=Counter)
    devices: dict[int, set[int]] = field(default_factory=dict)
    sessions: dict[int, set[int]] = field(default_factory=dict)
    seen: dict[str, set[str]] = field(default_factory=dict)  # values per dimension so far
    # (dimension, value as sent) → as counted: each distinct value is cleaned once a delivery.
    names: dict[tuple[str, str | None], str] = field(default_factory=dict)

    def add(self, hour: int, dimension: str, value: str | None) -> None:
        text = self.names.get((dimension, value))
        if text is None:
            text = self.names[(dimension, value)] = self._name(dimension, value)
        self.counts[(hour, dimension, text)] += 1

    def _name(self, dimension: str, value: str | None) -> str:
        text = plain(value.strip(), VALUE_LENGTH) if value and text_ok(value) else ""
        if not text:
            return "(none)"
        known = self.seen.setdefault(dimension, set())
        if text not in known:
            if len(known) >= MAX_VALUES:
                return OTHER
            known.add(text)
        return text

    def rows(self) -> list[list[Any]]:
        """[[hour as ISO, dimension, value, count], ...] for monitoring_analytics_ingest."""
        return [
            [datetime.fromtimestamp(hour * 3600, UTC).isoformat(), dimension, value, n]
            for (hour, dimension, value), n in sorted(self.counts.items())
        ]

    def ids_by_day(self, zone: tzinfo) -> dict[str, dict[str, list[int]]]:
        """{local day: {"devices": [...], "sessions": [...]}}: days of METRICS_TIMEZONE, the
        days the daily metrics count (an hour starting in a day belongs to it)."""
        days: dict[str, dict[str, set[int]]] = {}
        for name, per_hour in (("devices", self.devices), ("sessions", self.sessions)):
            for hour, ids in per_hour.items():
                day = datetime.fromtimestamp(hour * 3600, UTC).astimezone(zone).date().isoformat()
                days.setdefault(day, {"devices": set(), "sessions": set()})[name] |= ids
        return {d: {k: sorted(v) for k, v in ids.items()} for d, ids in sorted(days.items())}


def add_events(events: list[Any], visits: Visits, now: datetime) -> tuple[int, Counter[str]]:
    """Count the events a delivery part holds; (events counted, skipped by reason)."""
    low = (now - BUCKETS_KEPT).timestamp() * 1000
    high = (now + CLOCK_SKEW).timestamp() * 1000
    skipped: Counter[str] = Counter()
    counted = 0
    for event in events:
        reason = _problem(event, low, high)
        if reason is not None:
            skipped[reason] += 1
            continue
        _count(event, visits)
        counted += 1
    return counted, skipped


def _problem(event: Any, low: float, high: float) -> str | None:
    if not isinstance(event, dict):
        return "malformed"
    kind = event.get("eventType")
    if kind not in ("pageview", "event"):
        return "unknown_event_type"
    at = event.get("timestamp")
    if isinstance(at, bool) or not isinstance(at, int | float) or not math.isfinite(at):
        return "bad_timestamp"
    if at < low:
        return "too_old"
    if at > high:
        return "in_future"
    return None


def _id(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        return None
    return value


def _text(event: dict[str, Any], key: str) -> str | None:
    value = event.get(key)
    return value if isinstance(value, str) else None


def _count(event: dict[str, Any], visits: Visits) -> None:
    hour = int(event["timestamp"] // 3_600_000)
    if (device := _id(event.get("deviceId"))) is not None:
        visits.devices.setdefault(hour, set()).add(device)
    if (session := _id(event.get("sessionId"))) is not None:
        visits.sessions.setdefault(hour, set()).add(session)
    if event["eventType"] == "event":
        visits.counts[(hour, "events", "")] += 1
        visits.add(hour, "event", _text(event, "eventName"))
        return
    visits.counts[(hour, "page_views", "")] += 1
    path = _text(event, "path")
    visits.add(hour, "page", path.split("?", 1)[0] if path else None)
    visits.add(hour, "route", route_group(_text(event, "route") or path))
    visits.add(hour, "referrer", _referrer_host(_text(event, "referrer"), _text(event, "origin")))
    for dimension, key in _FIELDS.items():
        visits.add(hour, dimension, _text(event, key))
    query = _text(event, "queryParams")
    if query and "utm_" in query:
        campaign, source = _utm(query)
        if campaign is not None:
            visits.add(hour, "utm_campaign", campaign)
        if source is not None:
            visits.add(hour, "utm_source", source)


@lru_cache(maxsize=1024)
def _utm(query: str) -> tuple[str | None, str | None]:
    try:
        utm = dict(parse_qsl(query.lstrip("?"), max_num_fields=50))
    except ValueError:  # more than 50 parameters: no campaign read from it
        return None, None
    return utm.get("utm_campaign"), utm.get("utm_source")


@lru_cache(maxsize=1024)
def _referrer_host(referrer: str | None, origin: str | None) -> str:
    """The referrer's host; `(direct)` without one or from the site itself (a click inside it)."""
    if not referrer:
        return DIRECT
    try:
        host = (urlsplit(referrer if "//" in referrer else "//" + referrer).hostname or "").lower()
        own = (urlsplit(origin or "").hostname or "").lower()
    except ValueError:
        return OTHER
    if not host or host == own:
        return DIRECT
    if host.replace(".", "").isdigit() or ":" in host:  # an IP address: never stored whole
        return network_of(host)
    return host.removeprefix("www.")
