"""A request's log lines merged into what it counts: once, however many lines carried it.

Vercel's "Log Drains Reference" (https://vercel.com/docs/drains/reference/logs): `requestId`
identifies the request a line belongs to; `statusCode` -1 "means no response returned and the
lambda crashed"; `proxy` is the edge's view of the request (`proxy.statusCode` is what the visitor
got, -1 a background revalidation). The rules and their evidence: docs/traffic.md "Counting".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Facts a request adds, each at most once per request id (monitoring_drain_requests.fact 1, 2, 3).
REQUEST, FAILED, CRASHED = 1, 2, 4
MAX_ID_LENGTH = 128  # Vercel's ids are ~40 characters; a longer one is not trusted as a key

Key = tuple[int, str, str]  # (epoch minute, deployment, route group)


@dataclass(slots=True)
class Seen:
    """What the lines of one request (or one line without a request id) said."""

    key: Key
    status: int | None = None  # the highest proxy.statusCode >= 0 among its lines
    bytes: int = 0
    cache_hit: bool = False
    crashed: bool = False  # a lambda line with statusCode -1
    background: bool = False  # proxy.statusCode -1: a revalidation no visitor waited for

    def facts(self) -> int:
        """A request is one a visitor made (a proxy status, or a crash that answered no one);
        it failed when answered 5xx or crashed: one failure, whichever lines said so."""
        facts = CRASHED if self.crashed else 0
        if self.status is not None or (self.crashed and not self.background):
            facts |= REQUEST
            if self.crashed or (self.status or 0) >= 500:
                facts |= FAILED
        return facts

    def claims_slot(self) -> bool:
        """Anything but a request answered 4xx may give its route group a slot (scanners'
        /wp-login.php and /.env are answered 404 and must not exhaust them)."""
        return bool(self.facts() & REQUEST) and (
            self.crashed or not 400 <= (self.status or 0) < 500
        )

    def merge(self, other: Seen) -> None:
        """Another line of the same request: the worst visible status and its proxy win."""
        if other.status is not None and (self.status is None or other.status > self.status):
            self.key, self.status = other.key, other.status
            self.bytes, self.cache_hit = other.bytes, other.cache_hit
        self.crashed |= other.crashed
        self.background |= other.background


def request_id(record: dict[str, Any]) -> str | None:
    """The line's request id when it can key a request: printable ASCII, as Vercel's ids are, so
    no NUL or lone surrogate can reach the store; otherwise the line counts on its own."""
    found = record.get("requestId")
    if not isinstance(found, str) or not 0 < len(found) <= MAX_ID_LENGTH:
        return None
    return found if found.isascii() and found.isprintable() else None


def request_rows(requests: dict[str, Seen]) -> dict[str, list[list[Any]]]:
    """The store's p_requests: each request once, its bucket key as an index into `keys`."""
    keys: dict[Key, int] = {}
    rows = []
    for rid, seen in requests.items():
        index = keys.setdefault(seen.key, len(keys))
        rows.append([rid, index, seen.facts(), seen.status or 0, seen.bytes, int(seen.cache_hit)])
    return {"keys": [list(key) for key in keys], "rows": rows}
