"""A small JSON path (`$.lead.id`, `$.items[0].name`, `$['a key']`) for conditions and flows."""

from __future__ import annotations

import re
from typing import Any

_PART = re.compile(r"\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\['([^']*)'\]")
MISSING = object()


def valid(path: str) -> bool:
    return path.startswith("$") and _consume(path) is not None


def _consume(path: str) -> list[str | int] | None:
    parts: list[str | int] = []
    at = 1
    while at < len(path):
        match = _PART.match(path, at)
        if match is None:
            return None
        key, index, quoted = match.groups()
        parts.append(int(index) if index is not None else key if key is not None else quoted)
        at = match.end()
    return parts


def find(document: Any, path: str) -> Any:
    """The value at `path`, or MISSING (also for a malformed path)."""
    parts = _consume(path) if path.startswith("$") else None
    if parts is None:
        return MISSING
    value = document
    for part in parts:
        in_list = isinstance(part, int) and isinstance(value, list) and part < len(value)
        if in_list or (isinstance(part, str) and isinstance(value, dict) and part in value):
            value = value[part]
        else:
            return MISSING
    return value


def as_text(value: Any) -> str:
    """JSON scalars compared as TOML writes them: true/false, 1, 1.5, text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
