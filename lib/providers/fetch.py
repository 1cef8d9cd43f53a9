"""Read one provider's public status: Statuspage v2 `summary.json`, or an RSS/Atom feed.

Statuspage's public API (e.g. https://www.vercel-status.com/api): `summary.json` answers
`{page, status: {indicator, description}, components: [...], incidents: [...unresolved],
scheduled_maintenances: [...]}`; indicator is none | minor | major | critical | maintenance.
Feeds are parsed by feedparser: Statuspage writes each update as `<strong>Resolved</strong> - ...`,
incident.io as `<b>Status: Resolved</b>`; the newest update of an entry is its status.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from lib.core import tls
from lib.core.errors import reason_for
from lib.providers import Provider, ProviderIncident, ProviderStatus

FETCH_TIMEOUT_S = 2.0  # per provider; the whole refresh has its own budget (refresh.py)
MAX_BYTES = 2 * 1024 * 1024
# An unresolved feed entry not updated for this long is stale history, not an open incident.
FEED_MAX_AGE = timedelta(days=3)
CLOSED = frozenset({"resolved", "completed", "postmortem", "closed"})
_STATUS = re.compile(
    r"<(?:b|strong)>\s*(?:Status:\s*)?([A-Za-z][A-Za-z ]{1,30}?)\s*</(?:b|strong)>", re.I
)


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SummaryStatus(_Loose):
    indicator: str
    description: str | None = None


class SummaryIncident(_Loose):
    name: str
    status: str
    impact: str | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    shortlink: str | None = None


class Summary(_Loose):
    """Statuspage v2 summary.json (the parts we read)."""

    status: SummaryStatus
    incidents: list[SummaryIncident] = []


class StatusUnreadable(Exception):
    """The status page answered nothing we can read; the message is short and safe."""


def fetch(provider: Provider, now: datetime, client: httpx.Client) -> ProviderStatus:
    """Never raises: a failing status page is `ok: false` with a reason."""
    try:
        body = _get(provider.url, client)
        if provider.kind == "statuspage":
            indicator, description, incidents = parse_summary(provider.name, body)
        else:
            indicator, description, incidents = parse_feed(provider.name, body, now)
    except StatusUnreadable as error:
        return ProviderStatus(
            provider=provider.name,
            kind=provider.kind,
            checked_at=now,
            ok=False,
            indicator=None,
            description=None,
            error=str(error)[:200],
            incidents=[],
        )
    return ProviderStatus(
        provider=provider.name,
        kind=provider.kind,
        checked_at=now,
        ok=True,
        indicator=indicator,
        description=description,
        error=None,
        incidents=incidents,
    )


def _get(url: str, client: httpx.Client) -> bytes:
    try:
        with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise StatusUnreadable(f"status page answered {response.status_code}")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise StatusUnreadable("status page answer too large")
                chunks.append(chunk)
    except httpx.HTTPError as error:
        raise StatusUnreadable(reason_for(error)) from None
    return b"".join(chunks)


def client() -> httpx.Client:
    """One client for a refresh: short timeouts, the monitor's TLS trust, a few redirects."""
    return httpx.Client(
        timeout=httpx.Timeout(FETCH_TIMEOUT_S, connect=FETCH_TIMEOUT_S),
        follow_redirects=True,
        max_redirects=3,
        verify=tls.ssl_context(),
        headers={"User-Agent": "CarBot-Monitor (status check)"},
    )


def parse_summary(provider: str, body: bytes) -> tuple[str, str | None, list[ProviderIncident]]:
    try:
        summary = Summary.model_validate_json(body)
    except ValidationError:
        raise StatusUnreadable("not a Statuspage summary.json") from None
    incidents = [
        ProviderIncident(
            provider=provider,
            name=i.name[:200],
            status=i.status,
            started_at=i.started_at or i.created_at,
            url=i.shortlink,
            impact=i.impact,
        )
        for i in summary.incidents
        if i.status.lower() not in CLOSED
    ]
    return summary.status.indicator, summary.status.description, incidents


def parse_feed(
    provider: str, body: bytes, now: datetime
) -> tuple[str, str | None, list[ProviderIncident]]:
    import feedparser  # only the health-check cron needs it

    parsed: Any = feedparser.parse(body)
    if not parsed.get("version") or (parsed.get("bozo") and not parsed.entries):
        raise StatusUnreadable("not an RSS or Atom feed")
    newest: dict[str, Any] = {}
    for entry in parsed.entries:  # one entry per incident, or one per update: newest wins
        key = entry.get("id") or entry.get("link") or entry.get("title", "")
        if key not in newest or _when(entry) > _when(newest[key]):
            newest[key] = entry
    incidents = []
    for entry in newest.values():
        status = _status_of(entry)
        updated = _when(entry)
        if status.lower() in CLOSED or now - updated > FEED_MAX_AGE:
            continue
        started = _time(entry.get("published_parsed")) or updated
        incidents.append(
            ProviderIncident(
                provider=provider,
                name=str(entry.get("title", "incident"))[:200],
                status=status.lower(),
                started_at=started,
                url=entry.get("link"),
                impact=None,
            )
        )
    incidents.sort(key=lambda i: i.started_at or now)
    if not incidents:
        return "none", "No open incidents", []
    return "minor", f"{len(incidents)} open incident(s)", incidents


def _status_of(entry: Any) -> str:
    """The first status word of the newest update in the entry's HTML, else `investigating`."""
    for field in ("content", "summary", "description"):
        value = entry.get(field)
        text = value[0].get("value", "") if isinstance(value, list) and value else value
        if isinstance(text, str):
            match = _STATUS.search(text)
            if match:
                return match.group(1).strip()
    title = str(entry.get("title", ""))
    return "resolved" if title.lower().startswith(("[resolved]", "resolved")) else "investigating"


def _time(value: Any) -> datetime | None:
    return datetime(*value[:6], tzinfo=UTC) if value else None


def _when(entry: Any) -> datetime:
    found = _time(entry.get("updated_parsed")) or _time(entry.get("published_parsed"))
    return found or datetime(1970, 1, 1, tzinfo=UTC)
