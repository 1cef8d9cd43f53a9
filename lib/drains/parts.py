"""A decompressed delivery cut into parts of a few thousand records, so they never all live at once.

A 4.5 MB gzip body may hold 64 MB of NDJSON, 600,000 short records: parsed whole, that was
~1 GB of Python objects. Each part is itself a valid NDJSON or JSON-array body for
`records.parse`; a body of any other shape (an OTLP/JSON document, one object) is one part.
An empty array yields nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from pydantic_core import from_json

from lib.drains.records import DrainError

PART_RECORDS = 5_000
_SPACE = re.compile(r"[ \t\r\n]*")
_NOT_SPACE = re.compile(rb"\S")


def parts(data: bytes) -> Iterator[bytes]:
    """NDJSON in runs of PART_RECORDS lines, a JSON array in runs of its elements, else whole."""
    text = data.lstrip()
    if text.startswith(b"["):
        yield from _array_parts(text)
    elif _is_ndjson(text):
        yield from _line_parts(text)
    else:
        yield text


def _is_ndjson(text: bytes) -> bool:
    """More than one line, the first a whole object that is not an OTLP document."""
    end = text.find(b"\n")
    if end < 0 or _NOT_SPACE.search(text, end) is None:  # searched in place: no 60 MB copy
        return False
    try:
        head = from_json(text[:end])
    except ValueError:
        return False
    return isinstance(head, dict) and "resourceSpans" not in head


def _line_parts(text: bytes) -> Iterator[bytes]:
    start = end = 0
    lines = 0
    while True:
        end = text.find(b"\n", end)
        if end < 0:
            break
        end += 1
        lines += 1
        if lines == PART_RECORDS:
            yield text[start:end]
            start, lines = end, 0
    if text[start:].strip():
        yield text[start:]


def _array_parts(text: bytes) -> Iterator[bytes]:
    """Element boundaries from the json scanner over a latin-1 view of the bytes: one character
    per byte, so its offsets are byte offsets, and UTF-8 sequences only ever sit inside strings."""
    view = text.decode("latin-1")
    decoder = json.JSONDecoder()
    spans: list[tuple[int, int]] = []
    pos = _skip(view, 1)
    try:
        while pos < len(view) and view[pos] != "]":
            _, end = decoder.raw_decode(view, pos)
            spans.append((pos, end))
            pos = _skip(view, end)
            if pos < len(view) and view[pos] == ",":
                pos = _skip(view, pos + 1)
            elif pos >= len(view) or view[pos] != "]":
                raise ValueError("an element is not followed by , or ]")
            if len(spans) == PART_RECORDS:
                yield _joined(text, spans)
                spans = []
    except ValueError:
        raise DrainError("body is neither JSON nor NDJSON") from None
    if pos >= len(view) or _skip(view, pos + 1) < len(view):  # no "]", or more after it
        raise DrainError("body is neither JSON nor NDJSON")
    if spans:
        yield _joined(text, spans)


def _skip(view: str, pos: int) -> int:
    return _SPACE.match(view, pos).end()  # type: ignore[union-attr]


def _joined(text: bytes, spans: list[tuple[int, int]]) -> bytes:
    return b"[" + b",".join(text[a:b] for a, b in spans) + b"]"
