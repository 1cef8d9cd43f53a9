"""OTLP/JSON traces read span by span: each root server span, or why a span is not counted.

OTLP/JSON ("OTLP Specification", JSON Protobuf Encoding,
https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding) is the proto3 JSON mapping:
lowerCamelCase keys, 64-bit integers as decimal strings ("either numbers or strings are accepted
when decoding"), enums as integers. Senders are told to write enums as integers, but the proto3
mapping also reads their names, and Vercel's own Trace Drains example writes `"kind": "server"`
(https://vercel.com/docs/drains/reference/traces): all three are read. A span that cannot be read
is one skipped record, never the whole delivery.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from lib.drains.records import DrainError
from lib.drains.routes import path_of_span_name

SERVER = 2
_KINDS = ("UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER")
# OTLP resource/span attributes that carry the deployment and the route, in order of preference.
DEPLOYMENT_KEYS = ("vercel.deploymentId", "vercel.deployment_id", "deployment.id")
ROUTE_KEYS = ("http.route", "url.path", "http.target")


def _kind(value: Any) -> int:
    """SpanKind as `2`, `"SPAN_KIND_SERVER"` or `"server"`; anything else is not a span kind."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(_KINDS):
        return value
    if isinstance(value, str):
        name = value.strip().upper().removeprefix("SPAN_KIND_")
        if name in _KINDS:
            return _KINDS.index(name)
        if name.isdigit() and int(name) < len(_KINDS):
            return int(name)
    raise ValueError("not an OTLP SpanKind")


class OtlpSpan(BaseModel):
    """One span: a request's duration is its root server span's end - start (nanoseconds)."""

    model_config = ConfigDict(extra="ignore")

    name: str = ""
    parentSpanId: str | None = None
    kind: Annotated[int, BeforeValidator(_kind)] = 0  # absent is SPAN_KIND_UNSPECIFIED (proto3)
    startTimeUnixNano: int
    endTimeUnixNano: int
    attributes: Any = None  # read leniently: an odd attribute must not cost the span


@dataclass(frozen=True, slots=True)
class ServerSpan:
    """What a root server span tells: when, how long, which deployment and route."""

    start_ns: int
    end_ns: int
    deployment: str | None
    path: str | None


def attributes(items: Any) -> dict[str, str]:
    """OTLP KeyValue list → the string and integer values by key (other values are ignored)."""
    found: dict[str, str] = {}
    for item in items if isinstance(items, list) else ():
        key = item.get("key") if isinstance(item, dict) else None
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(key, str) or not isinstance(value, dict):
            continue
        text = value.get("stringValue")
        if text is None:
            text = value.get("intValue")
        if isinstance(text, str) or (isinstance(text, int) and not isinstance(text, bool)):
            found[key] = str(text)
    return found


def read(document: dict[str, Any]) -> Iterator[ServerSpan | str]:
    """Each span of an ExportTraceServiceRequest, as a ServerSpan or the reason it is skipped."""
    resource_spans = document.get("resourceSpans")
    if not isinstance(resource_spans, list):
        raise DrainError("OTLP/JSON body without valid resourceSpans")
    for resource_span in resource_spans:
        if not isinstance(resource_span, dict):
            yield "malformed_span"
            continue
        resource = resource_span.get("resource")
        shared = attributes(resource.get("attributes") if isinstance(resource, dict) else None)
        scopes = resource_span.get("scopeSpans") or []
        for scope in scopes if isinstance(scopes, list) else [None]:
            spans = scope.get("spans", []) if isinstance(scope, dict) else None
            if not isinstance(spans, list):
                yield "malformed_span"
                continue
            for raw in spans:
                yield _server_span(raw, shared)


def _server_span(raw: Any, shared: dict[str, str]) -> ServerSpan | str:
    try:
        span = OtlpSpan.model_validate(raw)
    except ValidationError:
        return "malformed_span"
    if span.parentSpanId or span.kind not in (0, SERVER):  # only a request's root server span
        return "not_a_root_server_span"
    attrs = {**shared, **attributes(span.attributes)}
    path = next((attrs[k] for k in ROUTE_KEYS if k in attrs), None)
    return ServerSpan(
        start_ns=span.startTimeUnixNano,
        end_ns=span.endTimeUnixNano,
        deployment=next((attrs[k] for k in DEPLOYMENT_KEYS if k in attrs), None),
        path=path or path_of_span_name(span.name),
    )
