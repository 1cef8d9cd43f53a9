"""The drain payloads we rely on, and a delivery's body turned into typed records.

Shapes from Vercel's references: "Log Drains Reference" (https://vercel.com/docs/drains/reference/logs),
"Trace Drains Reference" (https://vercel.com/docs/drains/reference/traces, OTLP/HTTP JSON) and
"Speed Insights Drains Reference" (https://vercel.com/docs/drains/reference/speed-insights).
"""

from __future__ import annotations

import json
import zlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

# A delivery may be at most this large once decompressed (a gzip bomb is a 400, not an OOM).
MAX_DECOMPRESSED = 64 * 1024 * 1024
Kind = Literal["log", "trace", "speed_insights"]


class DrainError(Exception):
    """The body is not a drain delivery: a 400 naming the problem."""


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class Proxy(_Loose):
    """`proxy`: the edge's view of one request."""

    timestamp: float | None = None
    path: str = "/"
    statusCode: int | None = None
    responseByteSize: int | None = None
    vercelCache: str | None = None


class LogRecord(_Loose):
    """One log drain entry: `statusCode` -1 means the function crashed without answering."""

    id: str | None = None
    timestamp: float
    source: str
    deploymentId: str | None = None
    statusCode: int | None = None
    proxy: Proxy | None = None


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


def parse(data: bytes) -> tuple[Kind, list[dict[str, Any]]]:
    """JSON array, NDJSON or an OTLP/JSON object → its kind and its raw records."""
    text = data.strip()
    if not text:
        raise DrainError("body is empty")
    try:
        document = json.loads(text)
    except ValueError:  # NDJSON: one object per line (UnicodeDecodeError is a ValueError too)
        try:
            document = [json.loads(line) for line in text.splitlines() if line.strip()]
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
    return "log", document


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


def log_record(raw: dict[str, Any]) -> LogRecord | None:
    try:
        return LogRecord.model_validate(raw)
    except ValidationError:
        return None


def speed_insight(raw: dict[str, Any]) -> SpeedInsight | None:
    try:
        return SpeedInsight.model_validate(raw)
    except ValidationError:
        return None
