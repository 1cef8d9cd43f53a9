"""The `headers` of vercel.json applied by the dev server, so both serve the same headers."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from lib.core.errors import ConfigError


def source_regex(source: str) -> re.Pattern[str]:
    """A vercel.json `source` (path-to-regexp) as a regex: literal text and `(regex)` groups.

    Named parameters (`:slug`) are not used by this project; one is an error rather than a
    pattern that silently matches something else than on Vercel.
    """
    out: list[str] = []
    depth = 0
    for char in source:
        if char == "(":
            depth += 1
        if depth:
            out.append(char)
        elif char == ":":
            raise ConfigError(
                f"vercel.json headers source {source!r}: named parameters unsupported"
            )
        else:
            out.append(re.escape(char))
        if char == ")":
            depth -= 1
    return re.compile("^" + "".join(out) + "$")


@cache
def rules(vercel_json: Path) -> tuple[tuple[re.Pattern[str], tuple[tuple[str, str], ...]], ...]:
    """(pattern, headers) of every `headers` entry, in file order."""
    config = json.loads(vercel_json.read_text())
    return tuple(
        (
            source_regex(entry["source"]),
            tuple((h["key"], h["value"]) for h in entry.get("headers", [])),
        )
        for entry in config.get("headers", [])
    )


def headers_for(vercel_json: Path, path: str) -> dict[str, str]:
    """Every header vercel.json sets for `path` (a later entry overrides an earlier one)."""
    found: dict[str, str] = {}
    for pattern, headers in rules(vercel_json):
        if pattern.match(path):
            found.update(headers)
    return found
