"""Vercel drain deliveries in the documented shapes, signed like Vercel signs them.

- Log drains: "Log Drains Reference" (https://vercel.com/docs/drains/reference/logs): `id`,
  `deploymentId`, `source` (lambda, edge, static, ...), `host`, `timestamp` (ms), `projectId`,
  `level`, `statusCode` (-1: the function crashed), `proxy.{timestamp, method, path, statusCode,
  responseByteSize, vercelCache, clientIp, region}`.
- Trace drains: "Trace Drains Reference" (https://vercel.com/docs/drains/reference/traces):
  OTLP/HTTP JSON `{"resourceSpans": [{"resource": {"attributes"}, "scopeSpans": [{"spans"}]}]}`,
  times as string nanoseconds.
- Speed Insights: "Speed Insights Drains Reference"
  (https://vercel.com/docs/drains/reference/speed-insights): `schema` vercel.speed_insights.v1,
  `timestamp` (ISO), `projectId`, `metricType` (CLS, LCP, FID, FCP, TTFB, INP), `value`, `path`,
  `route`, ...
- Web Analytics: "Web Analytics Drains Reference" (https://vercel.com/docs/drains/reference/analytics):
  `schema` vercel.analytics.v1, `eventType` pageview|event, `eventName`, `timestamp` (ms),
  `sessionId`/`deviceId` (numbers), `path`, `route`, `referrer`, `queryParams`, `country`,
  `osName`, `clientName`, `deviceType`, ...
- Firewall: "Log Drains Reference" `source: firewall` and `proxy.wafAction` (`log`, `challenge`,
  `deny`, `bypass`, `rate_limit`).
- "Drains security" (https://vercel.com/docs/drains/security): `x-vercel-signature` is the hex
  HMAC-SHA1 of the raw body with the drain's secret; `x-vercel-verify` proves the endpoint.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from typing import Any

from lib.core.signatures import sign

SECRET = "drain-SECRET-0010-abcdefabcdef"
VERIFY = "verify-token-0011"
PROJECT = "prj_carbot"


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def request_log(
    at: datetime,
    path: str = "/api/leads",
    status: int = 200,
    *,
    deployment: str = "dpl_current",
    size: int = 1200,
    cache: str = "MISS",
    n: int = 0,
) -> dict[str, Any]:
    """The edge's record of one request (a `proxy` object)."""
    return {
        "id": f"{_ms(at)}{n:06d}",
        "deploymentId": deployment,
        "source": "edge",
        "host": "carbot.vercel.app",
        "timestamp": _ms(at),
        "projectId": PROJECT,
        "level": "info",
        "proxy": {
            "timestamp": _ms(at),
            "method": "GET",
            "host": "carbot.de",
            "path": path,
            "userAgent": ["Mozilla/5.0"],
            "region": "fra1",
            "statusCode": status,
            "clientIp": "203.0.113.7",
            "responseByteSize": size,
            "vercelCache": cache,
        },
    }


def crash_log(at: datetime, deployment: str = "dpl_current", n: int = 0) -> dict[str, Any]:
    """A function invocation that ended without a response (`statusCode` -1)."""
    return {
        "id": f"{_ms(at)}{n:06d}c",
        "deploymentId": deployment,
        "source": "lambda",
        "host": "carbot.vercel.app",
        "timestamp": _ms(at),
        "projectId": PROJECT,
        "level": "error",
        "message": "Task timed out after 10.00 seconds",
        "requestId": f"req{n}",
        "statusCode": -1,
        "entrypoint": "api/leads.py",
    }


def function_log(
    at: datetime,
    request_id: str,
    path: str = "/api/leads",
    status: int | None = 200,
    *,
    deployment: str = "dpl_current",
    crashed: bool = False,
    line: int = 0,
) -> dict[str, Any]:
    """One console line of a function invocation: `requestId`, the function's `statusCode` (-1:
    crashed without a response) and, unless `status` is None, the request's `proxy` object."""
    record: dict[str, Any] = {
        "id": f"{_ms(at)}{line:03d}{request_id}",
        "deploymentId": deployment,
        "source": "lambda",
        "host": "carbot.vercel.app",
        "timestamp": _ms(at) + line,
        "projectId": PROJECT,
        "level": "error" if crashed else "info",
        "message": "Task timed out after 10.00 seconds" if crashed else f"step {line}",
        "type": "stderr" if crashed else "stdout",
        "requestId": request_id,
        "statusCode": -1 if crashed else (status if status is not None else 200),
        "path": path,
        "entrypoint": "api/index.py",
        "executionRegion": "fra1",
    }
    if status is not None:
        proxy = request_log(at, path, status, deployment=deployment)["proxy"]
        record["proxy"] = proxy | {"lambdaRegion": "fra1"}
    return record


def span(at: datetime, duration_ms: float, path: str = "/api/leads/42") -> dict[str, Any]:
    start = int(at.timestamp() * 1e9)
    return {
        "traceId": "5b8efff798038103d269b633813fc60c",
        "spanId": "eee19b7ec3c1b174",
        "name": f"GET {path}",
        "kind": 2,
        "startTimeUnixNano": str(start),
        "endTimeUnixNano": str(start + int(duration_ms * 1e6)),
        "attributes": [
            {"key": "http.route", "value": {"stringValue": path}},
            {"key": "http.response.status_code", "value": {"intValue": "200"}},
        ],
        "status": {},
    }


def traces(spans: list[dict[str, Any]], deployment: str = "dpl_current") -> dict[str, Any]:
    return {
        "resourceSpans": [
            {
                "resource": {
                    "attributes": [
                        {"key": "service.name", "value": {"stringValue": "carbot"}},
                        {"key": "vercel.projectId", "value": {"stringValue": PROJECT}},
                        {"key": "vercel.deploymentId", "value": {"stringValue": deployment}},
                    ]
                },
                "scopeSpans": [{"scope": {"name": "vercel"}, "spans": spans}],
            }
        ]
    }


def vital(at: datetime, metric: str, value: float, route: str = "/") -> dict[str, Any]:
    return {
        "schema": "vercel.speed_insights.v1",
        "timestamp": at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "projectId": PROJECT,
        "ownerId": "team_carbot",
        "deviceId": 12345,
        "metricType": metric,
        "value": value,
        "origin": "https://carbot.de",
        "path": route,
        "route": route,
        "country": "DE",
        "osName": "macOS",
    }


def body_of(
    records: Any, fmt: str = "json", compress: bool = False
) -> tuple[bytes, dict[str, str]]:
    """The bytes Vercel would POST (JSON array, NDJSON or OTLP object) and its signed headers."""
    if fmt == "ndjson":
        raw = "\n".join(json.dumps(r) for r in records).encode() + b"\n"
    else:
        raw = json.dumps(records).encode()
    headers = {"content-type": "application/json"}
    if compress:
        raw = gzip.compress(raw)
        headers["content-encoding"] = "gzip"
    return raw, {**headers, "x-vercel-signature": sign(SECRET, raw)}


def analytics_event(
    at: datetime,
    *,
    device: int = 67890,
    session: int = 12345,
    path: str = "/",
    kind: str = "pageview",
    name: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """One Web Analytics event (a page view, or a custom event with `name`)."""
    event: dict[str, Any] = {
        "schema": "vercel.analytics.v1",
        "eventType": "event" if name else kind,
        "timestamp": _ms(at),
        "projectId": PROJECT,
        "ownerId": "team_carbot",
        "dataSourceName": "web-analytics",
        "sessionId": session,
        "deviceId": device,
        "origin": "https://carbot.de",
        "path": path,
    }
    if name:
        event |= {"eventName": name, "eventData": "{}"}
    return event | fields


def edge_log(
    at: datetime,
    path: str = "/api/leads",
    status: int = 200,
    *,
    ip: str = "203.0.113.7",
    waf: str | None = None,
    firewall: bool = False,
    n: int = 0,
    agent: str = "Mozilla/5.0",
) -> dict[str, Any]:
    """A request at the edge from `ip`; `waf` the firewall's action, `firewall` a firewall log."""
    record = request_log(at, path, status, n=n)
    record["proxy"] |= {"clientIp": ip, "userAgent": [agent]}
    if waf:
        record["proxy"]["wafAction"] = waf
        record["proxy"]["wafRuleId"] = "rule_gAHz8jtSB1Gy"
    if firewall:
        record["source"] = "firewall"
    return record
