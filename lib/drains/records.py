"""The drain payloads we rely on, and a delivery's body turned into typed records.

Shapes from Vercel's references: "Log Drains Reference" (https://vercel.com/docs/drains/reference/logs),
"Trace Drains Reference" (https://vercel.com/docs/drains/reference/traces, OTLP/HTTP JSON) and
"Speed Insights Drains Reference" (https://vercel.com/docs/drains/reference/speed-insights).
"""

from __future__ import annotations

import zlib
from typing import Annotated, Any, Literal, NotRequired, TypedDict

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import from_json

# A delivery may be at most this large once decompressed (a gzip bomb is a 400, not an OOM).
MAX_DECOMPRESSED = 64 * 1024 * 1024
Kind = Literal["log", "trace", "speed_insights"]


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
    proxy: NotRequired[Proxy | None]


class SpeedInsight(_Loose):
    """One Speed Insights data point (schema vercel.speed_insights.v1)."""

    timestamp: str
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
    """JSON array, NDJSON or an OTLP/JSON object → its kind and its records.

    Log records come back validated (a LogRecord, or None for one that is off); the others as
    parsed JSON objects.
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
    try:
        document = from_json(text)
    except ValueError:
        try:
            document = from_json(array)
        except ValueError:
            raise DrainError("body is neither JSON nor NDJSON") from None
    if isinstance(document, dict):
        if "resourceSpans" in document:
            return "trace", [document]
        document = [document]
    if not isinstance(document, list) or not all(isinstance(r, dict) for r in document):
        raise DrainError("body must be a JSON array of objects, NDJSON objects or OTLP/JSON")
    if document and all(_is_vital(r) for r in document):
        return "speed_insights", document
    return "log", [_log_record(item) for item in document]


def _is_vital(record: dict[str, Any]) -> bool:
    schema = record.get("schema")
    return (isinstance(schema, str) and schema.startswith("vercel.speed_insights")) or (
        "metricType" in record and "value" in record
    )


class OtlpValue(_Loose):
    stringValue: str | None = None
    intValue: int | str | None = None


class OtlpAttribute(_Loose):
    key: str
    value: OtlpValue = OtlpValue()


class OtlpSpan(_Loose):
    """One span; the request's duration is its root server span's end - start."""

    parentSpanId: str | None = None
    kind: int | None = None
    startTimeUnixNano: int
    endTimeUnixNano: int
    attributes: list[OtlpAttribute] = []


class OtlpScopeSpans(_Loose):
    spans: list[OtlpSpan] = []


class OtlpResource(_Loose):
    attributes: list[OtlpAttribute] = []


class OtlpResourceSpans(_Loose):
    resource: OtlpResource = OtlpResource()
    scopeSpans: list[OtlpScopeSpans] = []


class OtlpTraces(_Loose):
    """ExportTraceServiceRequest in OTLP/JSON (int64 nanoseconds arrive as strings)."""

    resourceSpans: list[OtlpResourceSpans]


def attributes(items: list[OtlpAttribute]) -> dict[str, str]:
    return {
        a.key: str(a.value.stringValue if a.value.stringValue is not None else a.value.intValue)
        for a in items
    }


def traces(raw: dict[str, Any]) -> OtlpTraces:
    try:
        return OtlpTraces.model_validate(raw)
    except ValidationError:
        raise DrainError("OTLP/JSON body without valid resourceSpans") from None


# fail_fast: a delivery of another kind fails on its first record, not after all of them.
_LOG_RECORDS = TypeAdapter(Annotated[list[LogRecord], Field(fail_fast=True)])
_LOG_RECORD = TypeAdapter(LogRecord)


def _log_record(raw: dict[str, Any]) -> LogRecord | None:
    try:
        return _LOG_RECORD.validate_python(raw)
    except ValidationError:
        return None


def speed_insight(raw: dict[str, Any]) -> SpeedInsight | None:
    try:
        return SpeedInsight.model_validate(raw)
    except ValidationError:
        return None
