"""A fake Supabase Management API (127.0.0.1) held to the official OpenAPI document.

Sources:
- The Management API's OpenAPI 3.0 document, `tests/specs/supabase-management-openapi.json`
  (supabase/cli `packages/api/src/generated/openapi.json` @ 1d1e7191, the "Management API
  Reference" https://supabase.com/docs/reference/api is generated from it). Every query this fake
  receives is checked against the operation's `parameters` (unknown names, wrong types and values
  outside an `enum` are a 400, as the API validates its input), and every 200 body it serves is
  validated against the operation's response schema; a body outside it is answered as a 500 and
  recorded in `violations` (tests assert there are none).
- Backups: GET /v1/projects/{ref}/database/backups -> V1BackupsResponse `{region, walg_enabled,
  pitr_enabled, backups: [{id, is_physical_backup, status, inserted_at}], physical_backup_data}`
  ("Database Backups", https://supabase.com/docs/guides/platform/backups: Free projects have none).
- Health: GET /v1/projects/{ref}/health -> `[V1ServiceHealthResponse]`. `services` is a required
  query parameter of type array (items: auth, db, db_postgres_user, pooler, realtime, rest,
  storage, pg_bouncer) with no `style`/`explode`, so OpenAPI 3.0's default applies (style form,
  explode true: `services=auth&services=db`). A comma-joined value is no enum value: refused.
  `healthy` is "Deprecated. Use `status` instead.": the fake can omit it (`drop_healthy`).
- Advisors: GET /v1/projects/{ref}/advisors/{security|performance} -> V1ProjectAdvisorsResponse.
- Logs: GET /v1/projects/{ref}/analytics/endpoints/logs, the successor of `logs.all` (which the
  document still lists; tests/specs/supabase-logs-notes.md gathers the evidence): the parameters
  and the answer (AnalyticsResponse `{result, error}`) of `logs.all`, whose description says "The
  timestamp range must be no more than 24 hours ... If the range is more than 24 hours, a
  validation error will be thrown" (answered 400 here). ClickHouse SQL over one table `logs` with
  the columns `id, timestamp, event_message, severity_text, source, log_attributes` (supabase/
  supabase PR #49299 and its clickhouse-logs-queries skill): a filter `source = 'auth_logs'` is
  what Supabase documents; a comparison on any other bare name (`source_name`) is an unknown
  column, answered like ClickHouse would, with `error` and no rows.
- "Management API" (https://supabase.com/docs/guides/platform/management-api): bearer token;
  60 requests a minute per user, then HTTP 429 for the rest of the minute.
The retired `logs.all` path answers 404 like a removed route (it answers 410 in production,
dyad-sh/dyad#4342; either way the monitor cannot use it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from tests.fakes import FakeRequest, FakeUpstream, Reply
from tests.fakes.shapes import operation, validate_response

TOKEN = "sbp_fake_management_TOKEN_0015"
REF = "abcdefghijklmnopqrst"
LOG_COLUMNS = ("id", "timestamp", "event_message", "severity_text", "source", "log_attributes")
MAX_RANGE = timedelta(hours=24)
_PROJECT = "/v1/projects/{ref}"


def backup(
    status: str, hours_ago: float, now: datetime | None = None, backup_id: int = 1
) -> dict[str, Any]:
    at = (now or datetime.now(UTC)) - timedelta(hours=hours_ago)
    return {
        "id": backup_id,
        "is_physical_backup": True,
        "status": status,
        "inserted_at": at.isoformat(),
    }


def lint(name: str, level: str, table: str = "leads", category: str = "SECURITY") -> dict[str, Any]:
    return {
        "name": name,
        "title": name.replace("_", " ").capitalize(),
        "level": level,
        "facing": "EXTERNAL",
        "categories": [category],
        "description": f"Detects {name}",
        "detail": f"Table `public.{table}` is affected",
        "remediation": f"https://supabase.com/docs/guides/database/database-linter?lint={name}",
        "metadata": {"schema": "public", "name": table, "type": "table"},
        "cache_key": f"{name}_public_{table}",
    }


def _query_errors(path: str, request: FakeRequest) -> list[str]:
    """What the operation's `parameters` say is wrong with the query (name, type, enum)."""
    params = {p["name"]: p for p in operation("supabase", "GET", path).get("parameters", [])}
    query = {p: v for p, v in params.items() if v["in"] == "query"}
    errors = [f"property {name} should not exist" for name in request.query if name not in query]
    for name, param in query.items():
        values = request.query.get(name)
        if not values:
            if param.get("required"):
                errors.append(f"{name} is required")
            continue
        schema = param["schema"]
        value: Any = values if schema.get("type") == "array" else values[-1]
        if schema.get("type") == "integer":
            value = int(values[-1]) if re.fullmatch(r"-?\d+", values[-1]) else values[-1]
        try:
            OAS30Validator(schema, format_checker=oas30_format_checker).validate(value)
        except jsonschema.ValidationError as error:
            errors.append(f"{name}: {error.message}")
    return errors


@dataclass
class FakeManagement(FakeUpstream):
    """Backups, health, advisors, Auth logs for project REF; `rate_limited` answers 429."""

    name: str = "supabase_management"
    backups_body: dict[str, Any] = field(default_factory=dict)
    health_body: list[dict[str, Any]] = field(default_factory=list)
    security: list[dict[str, Any]] = field(default_factory=list)
    performance: list[dict[str, Any]] = field(default_factory=list)
    # Failed password logins: (ip, attempts) counted in any window, or (ip, attempts, at)
    # counted only by a query whose [iso_timestamp_start, iso_timestamp_end) holds `at`.
    auth_failures: list[tuple[Any, ...]] = field(default_factory=list)
    remaining: int | None = None  # X-RateLimit-Remaining to report (None: 59)
    # An `error` to answer every log query with (a field report: "Backend error! Retry ...").
    logs_error: str | None = None
    violations: list[str] = field(default_factory=list)  # bodies served outside the spec

    def __post_init__(self) -> None:
        super().__post_init__()
        self.reset()
        prefix = r"/v1/projects/(?P<ref>[a-z0-9]+)"
        routes = {
            "/database/backups": lambda r: self.backups_body,
            "/health": self._health,
            "/advisors/security": lambda r: {"lints": self.security},
            "/advisors/performance": lambda r: {"lints": self.performance},
            "/analytics/endpoints/logs": self._logs,
        }
        for tail, answer in routes.items():
            self.route("GET", prefix + re.escape(tail))(self._guard(tail, answer))

    def reset(self) -> None:
        super().reset()
        self.backups_body = {
            "region": "eu-central-1",
            "walg_enabled": True,
            "pitr_enabled": False,
            "backups": [backup("COMPLETED", 5, backup_id=2), backup("COMPLETED", 29, backup_id=1)],
            "physical_backup_data": {},
        }
        self.health_body = [
            {"name": s, "healthy": True, "status": "ACTIVE_HEALTHY"}
            for s in ("auth", "db", "pooler", "realtime", "rest", "storage")
        ]
        self.security, self.performance, self.auth_failures = [], [], []
        self.remaining, self.logs_error = None, None
        self.violations = []

    def drop_healthy(self) -> None:
        """Answer health items without the deprecated `healthy` (only `status`)."""
        for item in self.health_body:
            item.pop("healthy", None)

    def extra_headers(self, status: int) -> dict[str, str]:
        if status == 429:
            return {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "Retry-After": "42"}
        remaining = 59 if self.remaining is None else self.remaining
        return {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": str(remaining)}

    def error_body(self, status: int, message: str) -> Any:
        return {"message": message}

    def _guard(self, tail: str, answer: Any) -> Any:
        # The logs endpoint takes the parameters and answer of `logs.all` (see the docstring).
        path = _PROJECT + (tail + ".all" if tail.endswith("/logs") else tail)

        def handler(request: FakeRequest, ref: str) -> Reply:
            if request.headers.get("authorization") != f"Bearer {TOKEN}":
                return 401, {"message": "Unauthorized"}
            if ref != REF:
                return 404, {"message": "Project not found"}
            errors = _query_errors(path, request)
            if errors:
                return 400, {"message": errors}
            status, body = answer(request) if tail.endswith("/logs") else (200, answer(request))
            if status == 200:
                try:
                    validate_response("supabase", "GET", path, 200, body)
                except jsonschema.ValidationError as error:
                    self.violations.append(f"{tail}: {error.message}")
                    return 500, {"message": f"fake body outside the spec: {error.message}"}
            return status, body

        return handler

    def _health(self, request: FakeRequest) -> list[dict[str, Any]]:
        wanted = request.query.get("services", [])
        return [s for s in self.health_body if s["name"] in wanted]

    def _logs(self, request: FakeRequest) -> Reply:
        start, end = request.arg("iso_timestamp_start"), request.arg("iso_timestamp_end")
        if not start or not end:
            return 200, {"error": "the fake needs both iso_timestamp_start and _end"}
        try:
            since, until = datetime.fromisoformat(start), datetime.fromisoformat(end)
        except ValueError:  # `format: date-time` in the document: a validation error
            return 400, {"message": "iso_timestamp_start and _end must be date-times"}
        if until - since > MAX_RANGE:
            return 400, {"message": "The timestamp range must be no more than 24 hours"}
        if self.logs_error:
            return 200, {"error": self.logs_error}
        sql = request.arg("sql") or ""
        unknown = [
            name
            for name in re.findall(r"\b([a-z_][a-z0-9_]*)\s*=\s*'", sql, re.IGNORECASE)
            if name.lower() not in LOG_COLUMNS
        ]
        if unknown:
            return 200, {"error": f"Missing columns: '{unknown[0]}' while processing query"}
        if not re.search(r"\bfrom\s+logs\b", sql, re.IGNORECASE) or not re.search(
            r"\bsource\s*=\s*'auth_logs'", sql
        ):
            return 200, {"error": "the fake answers only the failed-login query over auth_logs"}
        counts: dict[str, int] = {}
        for ip, attempts, *at in self.auth_failures:
            if not at or since <= at[0] < until:
                counts[ip] = counts.get(ip, 0) + attempts
        return 200, {"result": [{"ip": ip, "attempts": n} for ip, n in counts.items()]}
