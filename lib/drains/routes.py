"""Route groups: one name per route, whether a drain sends a concrete path or a framework pattern.

Logs carry concrete paths (`/api/leads/42?x=1`, `proxy.path`) and sometimes the function's pattern
(`path: /dynamic/[route].json`); traces carry `http.route` (`/api/leads/[id]`, `/api/leads/:id`,
`/items/{item_id}`) or only a span name (`GET /api/users`); Speed Insights carries `route`
(`/dashboard/[id]`). All of them are written in one canonical form (docs/traffic.md#route-groups).
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from lib.core.safe_text import plain

MAX_LENGTH = 200  # monitoring_traffic_buckets.route and monitoring_web_vitals_hours.page
# A request whose path no record names: never filed under `/`, which is the home page.
UNKNOWN = "unknown"

# Path segments that are ids, not routes: numbers, UUIDs, long hex, or long tokens with a digit.
_ID_SEGMENT = re.compile(
    r"\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{12,}"
    r"|(?=[A-Za-z0-9_-]{16,}$)[A-Za-z_-]*\d[A-Za-z0-9_-]*",
    re.IGNORECASE,
)
# Catch-all segments: Next.js `[...slug]` / `[[...slug]]`, path-to-regexp `:path*` / `:path+`,
# `{*path}`, and a bare `*` or `**`.
_CATCH_ALL = re.compile(r"\[\[?\.\.\.[^\]/]*\]\]?|:\w+[*+]|\{\*\w*\}|\*\*?")
# One-segment parameters: `[id]`, `[[lang]]` (optional), `:id`, `{item_id}`.
_PARAM = re.compile(r"\[\[?[^\]/.][^\]/]*\]\]?|:\w+\??|\{\w+\}")
# A parameter inside a segment with literal text around it: `[route].json`.
_INLINE_PARAM = re.compile(r"\[\[?[^\]/.][^\]/]*\]\]?")
# Next.js route groups, `(marketing)`: part of the file tree, never of the URL.
_ROUTE_GROUP = re.compile(r"\([^()/]*\)")
_METHOD_AND_PATH = re.compile(r"[A-Z]+ (/\S*)")


def _segment(segment: str) -> str:
    if _CATCH_ALL.fullmatch(segment):
        return "*"
    if _PARAM.fullmatch(segment) or _ID_SEGMENT.fullmatch(segment):
        return ":id"
    return _INLINE_PARAM.sub(":id", segment)


@lru_cache(maxsize=4096)
def route_group(path: str | None) -> str:
    """`/api/leads/123?x=1`, `/api/leads/:leadId` and `/api/leads/[id]` → `/api/leads/:id`.

    Catch-alls become `*`, route groups `(name)` and a trailing slash are dropped, at most 200
    characters; no path at all is `unknown`.
    """
    if not path:
        return UNKNOWN
    if "://" in path:  # a full URL where a path was expected
        try:
            path = urlsplit(path).path
        except ValueError:
            return UNKNOWN
    path = path.split("?", 1)[0].split("#", 1)[0]
    segments = [
        _segment(s) for s in path.split("/") if s and not _ROUTE_GROUP.fullmatch(s) and s != "."
    ]
    # A path is outside text: no bidi override or control character reaches a stored key.
    return plain("/" + "/".join(segments), MAX_LENGTH)


def path_of_span_name(name: str | None) -> str | None:
    """`GET /api/users` → `/api/users`: OpenTelemetry names server spans `{method} {target}`."""
    found = _METHOD_AND_PATH.fullmatch(name.strip()) if name else None
    return found.group(1) if found else None
