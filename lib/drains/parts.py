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
_WINDOW = 4 * 1024 * 1024  # bytes of a JSON array viewed as text at a time
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
    """Element boundaries from the json scanner over a latin-1 view of a window of the bytes:
    one character per byte, so its offsets are byte offsets, and UTF-8 sequences only ever sit
    inside strings. The window slides (and doubles for an element longer than it), so the view
    never copies the whole body."""
    decoder = json.JSONDecoder()
    spans: list[tuple[int, int]] = []
    view = _View(text)
    pos, expect_value, first = 1, True, True
    while True:
        pos = _skip(view.text, pos)
        if pos >= len(view.text):
            pos = view.slide(pos)
            continue
        if not expect_value:
            if view.text[pos] == "]":
                break
            if view.text[pos] != ",":
                raise DrainError("body is neither JSON nor NDJSON")
            pos, expect_value = pos + 1, True
            continue
        if first and view.text[pos] == "]":
            break
        try:
            _, end = decoder.raw_decode(view.text, pos)
        except ValueError:
            end = -1
        if end < 0 or (end >= len(view.text) and not view.whole):  # maybe cut by the window
            pos = view.grow(pos)
            continue
        spans.append((view.start + pos, view.start + end))
        pos, expect_value, first = end, False, False
        if len(spans) == PART_RECORDS:
            yield _joined(text, spans)
            spans = []
    if _NOT_SPACE.search(text, view.start + pos + 1) is not None:  # more after the "]"
        raise DrainError("body is neither JSON nor NDJSON")
    if spans:
        yield _joined(text, spans)


class _View:
    """A latin-1 view of text[start:start + size]."""

    def __init__(self, data: bytes) -> None:
        self.data, self.start, self.size = data, 0, _WINDOW
        self.text = data[: self.size].decode("latin-1")

    @property
    def whole(self) -> bool:
        return self.start + len(self.text) >= len(self.data)

    def slide(self, pos: int) -> int:
        """The window moved on to begin at pos; a DrainError past the end of the body."""
        if self.whole:
            raise DrainError("body is neither JSON nor NDJSON")
        self.start += pos
        self.text = self.data[self.start : self.start + self.size].decode("latin-1")
        return 0

    def grow(self, pos: int) -> int:
        """The window begins at pos and is twice as long (an element did not fit)."""
        if self.whole:
            raise DrainError("body is neither JSON nor NDJSON")
        self.size *= 2
        return self.slide(pos)


def _skip(view: str, pos: int) -> int:
    return _SPACE.match(view, pos).end()  # type: ignore[union-attr]


def _joined(text: bytes, spans: list[tuple[int, int]]) -> bytes:
    return b"[" + b",".join(text[a:b] for a, b in spans) + b"]"
