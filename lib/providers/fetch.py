"""Fetch one provider's public status page and read it: Statuspage `summary.json`
(lib/providers/statuspage.py) or an RSS/Atom history feed (lib/providers/feeds.py)."""

from __future__ import annotations

from datetime import datetime

import httpx

from lib.core import tls
from lib.core.errors import reason_for
from lib.providers import Provider, ProviderStatus
from lib.providers.feeds import NotAFeed, parse_feed
from lib.providers.statuspage import NotASummary, parse_summary

FETCH_TIMEOUT_S = 2.0  # per provider; the whole refresh has its own budget (refresh.py)
MAX_BYTES = 2 * 1024 * 1024


class StatusUnreadable(Exception):
    """The status page answered nothing we can read; the message is short and safe."""


def fetch(provider: Provider, now: datetime, client: httpx.Client) -> ProviderStatus:
    """Never raises: a failing status page is `ok: false` with a reason."""
    try:
        body = _get(provider.url, client)
        if provider.kind == "statuspage":
            indicator, description, incidents, maintenances = parse_summary(provider.name, body)
        else:
            indicator, description, incidents, maintenances = parse_feed(provider.name, body, now)
    except NotASummary:
        return _unreadable(provider, now, "not a Statuspage summary.json")
    except NotAFeed:
        return _unreadable(provider, now, "not an RSS or Atom feed")
    except StatusUnreadable as error:
        return _unreadable(provider, now, str(error))
    return ProviderStatus(
        provider=provider.name,
        kind=provider.kind,
        checked_at=now,
        ok=True,
        indicator=indicator,
        description=description,
        error=None,
        incidents=incidents,
        maintenances=maintenances,
    )


def _unreadable(provider: Provider, now: datetime, reason: str) -> ProviderStatus:
    return ProviderStatus(
        provider=provider.name,
        kind=provider.kind,
        checked_at=now,
        ok=False,
        indicator=None,
        description=None,
        error=reason[:200],
        incidents=[],
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
