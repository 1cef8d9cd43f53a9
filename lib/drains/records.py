"""The drain payloads we rely on, and a delivery's body turned into typed records.

Shapes from Vercel's references: "Log Drains Reference" (https://vercel.com/docs/drains/reference/logs),
"Trace Drains Reference" (https://vercel.com/docs/drains/reference/traces, OTLP/HTTP JSON) and
"Speed Insights Drains Reference" (https://vercel.com/docs/drains/reference/speed-insights) and
"Web Analytics Drains Reference" (https://vercel.com/docs/drains/reference/analytics).
OTLP/JSON spans are read in otlp.py; what may be counted is decided in sanitize.py.
"""

from __future__ import annotations

import json
import zlib
from typing import Annotated, Any, Literal, NotRequired, TypedDict

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import from_json

# A delivery may be at most this large once decompressed (a gzip bomb is a 400, not an OOM).
MAX_DECOMPRESSED = 64 * 1024 * 1024
Kind = Literal["log", "trace", "speed_insights", "analytics"]


class DrainError(Exception):
    """The body is not a drain delivery: a 400 naming the problem."""


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Proxy(TypedDict, total=False):
    """`proxy`: the edge's view of one request."""

    timestamp: float | None
    path: str | None
    statusCode: int | None
    responseByteSize: int | None
    vercelCache: str | None
    # Read by lib/drains/edge_security.py; `Any` so an odd value never fails the whole record.
    clientIp: Any
    wafAction: Any
    userAgent: Any  # documented as an array of strings


class LogRecord(TypedDict):
    """One log drain entry: `statusCode` -1 means the function crashed without answering.

    TypedDicts, not models: a 4 MB delivery is ~10,000 of them, and validated straight from the
    JSON bytes they cost a third of models built from parsed dicts, because pydantic-core builds
    nothing for the ~20 fields of a record we ignore (bench/bench_drains.py).
    """

    id: NotRequired[str | None]
    requestId: NotRequired[str | None]  # every line of one request carries it (docs/traffic.md)
    timestamp: float
    source: str
    deploymentId: NotRequired[str | None]
    statusCode: NotRequired[int | None]
    path: NotRequired[str | None]  # the function's route: `/dynamic/[route].json`
    proxy: NotRequired[Proxy | None]


class SpeedInsight(_Loose):
    """One Speed Insights data point (schema vercel.speed_insights.v1)."""

    timestamp: str | float  # documented as ISO 8601; epoch milliseconds are read too
    metricType: str
    value: float
    path: str | None = None
    route: str | None = None


def decode(body: bytes, content_encoding: str | None) -> bytes:
    """The raw delivery, gunzipped when Vercel sent `Content-Encoding: gzip`."""
    if (content_encoding or "").strip().lower() != "gzip":
        return body
    try:
        inflater = zlib.decompressobj(wbits=31)
        data = inflater.decompress(body, MAX_DECOMPRESSED)
    except zlib.error:
        raise DrainError("body is not valid gzip") from None
    if inflater.unconsumed_tail:
        raise DrainError(f"body is larger than {MAX_DECOMPRESSED // 2**20} MB decompressed")
    return data


def parse(data: bytes) -> tuple[Kind, list[Any]]:
    """JSON array, NDJSON or OTLP/JSON object(s) → their kind and their records.

    Log records come back validated (a LogRecord, or None for one that is off); the others as
    parsed JSON objects. A line or item that is not a JSON object is a record that is off, not
    a refused delivery, as long as the body holds at least one object.
    """
    text = data.strip()
    if not text:
        raise DrainError("body is empty")
    if text.startswith(b"["):
        array = text
    else:  # NDJSON, one object per line, read as one array
        array = b"[" + b",".join(line for line in text.splitlines() if line.strip()) + b"]"
    try:  # the common case, valid log records, in one pass of pydantic-core over the bytes
        return "log", _LOG_RECORDS.validate_json(array)
    except ValidationError:
        pass  # other kinds, a bad record or not JSON: look at the document
    document = _document(text, array)
    if isinstance(document, dict):
        document = [document]
    if not isinstance(document, list) or not any(isinstance(r, dict) for r in document):
        raise DrainError("body must be a JSON array of objects, NDJSON objects or OTLP/JSON")
    objects = [r for r in document if isinstance(r, dict)]
    if all("resourceSpans" in r for r in objects):
        return "trace", document
    if all(_is_vital(r) for r in objects):
        return "speed_insights", document
    if all(_is_analytics(r) for r in objects):
        return "analytics", document
    return "log", [_log_record(item) for item in document]


def _document(text: bytes, array: bytes) -> Any:
    """The body as JSON, whole or line by line; Python's reader takes what pydantic-core refuses
    (a lone surrogate, `\\ud800`), and an NDJSON line that is no JSON at all becomes None."""
    for candidate in (text, array):
        try:
            return from_json(candidate)
        except ValueError:
            pass
    for candidate in (text, array):
        try:
            return json.loads(candidate)
        except (ValueError, RecursionError):  # pydantic-core says ValueError for both
            pass
    if text.startswith((b"[", b"{")) and b"\n" not in text:
        raise DrainError("body is neither JSON nor NDJSON")
    lines = [_line(line) for line in text.splitlines() if line.strip()]
    if all(line is None for line in lines):
        raise DrainError("body is neither JSON nor NDJSON")
    return lines


def _line(line: bytes) -> Any:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return None


def _is_vital(record: dict[str, Any]) -> bool:
    schema = record.get("schema")
    return (isinstance(schema, str) and schema.startswith("vercel.speed_insights")) or (
        "metricType" in record and "value" in record
    )


def _is_analytics(record: dict[str, Any]) -> bool:
    schema = record.get("schema")
    return (isinstance(schema, str) and schema.startswith("vercel.analytics")) or (
        record.get("eventType") in ("pageview", "event") and "deviceId" in record
    )


# fail_fast: a delivery of another kind fails on its first record, not after all of them.
_LOG_RECORDS = TypeAdapter(Annotated[list[LogRecord], Field(fail_fast=True)])
_LOG_RECORD = TypeAdapter(LogRecord)


def _log_record(raw: Any) -> LogRecord | None:
    if not isinstance(raw, dict):
        return None
    try:
        return _LOG_RECORD.validate_python(raw)
    except ValidationError:
        return None
