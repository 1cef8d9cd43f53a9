"""The `/api` rewrites of vercel.json applied by the dev server, so both route the same paths.

Vercel's `source` is a path-to-regexp pattern: `:name` matches one path segment, `:name(a|b)`
one of the listed values, and `:name*` the rest of the path (zero or more segments); the
destination names them back (`?key=:key`, `?path=:path*`).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from urllib.parse import quote

_PARAM = re.compile(r":([A-Za-z_][A-Za-z0-9_]*)(\([^)]*\))?(\*)?")


def _source_regex(source: str) -> re.Pattern[str]:
    out, last = [], 0
    for match in _PARAM.finditer(source):
        literal = source[last : match.start()]
        name, choices, rest = match.groups()
        if rest:  # `/x/:p*`: the slash before it is part of the optional rest
            out.append(re.escape(literal.removesuffix("/")))
            out.append(f"(?:/(?P<{name}>.*))?")
        else:
            out.append(re.escape(literal))
            out.append(f"(?P<{name}>{choices[1:-1] if choices else '[^/]+'})")
        last = match.end()
    out.append(re.escape(source[last:]))
    return re.compile("^" + "".join(out) + "$")


@cache
def rules(vercel_json: Path) -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, destination) of every rewrite of an /api path, in file order."""
    config = json.loads(vercel_json.read_text())
    return tuple(
        (_source_regex(entry["source"]), entry["destination"])
        for entry in config.get("rewrites", [])
        if entry["source"].startswith("/api/")
    )


def _fill(destination: str, values: dict[str, str | None]) -> str:
    def value(match: re.Match[str]) -> str:
        # A rest-of-path value keeps its slashes; a segment value is one segment.
        return quote(values[match.group(1)] or "", safe="/" if match.group(3) else "")

    return _PARAM.sub(value, destination)


def rewrite(vercel_json: Path, path: str, query: str) -> tuple[str, str]:
    """(path, query string) after the first matching rewrite; the original query is kept after
    the destination's own parameters, as Vercel does."""
    for pattern, destination in rules(vercel_json):
        match = pattern.match(path)
        if match is None:
            continue
        filled = _fill(destination, match.groupdict())
        new_path, _, new_query = filled.partition("?")
        return new_path, "&".join(part for part in (new_query, query) if part)
    return path, query
