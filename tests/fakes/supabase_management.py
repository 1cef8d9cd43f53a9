"""A fake Supabase Management API (127.0.0.1) answering in the documented shapes.

Sources (Supabase docs):
- "Management API" (https://supabase.com/docs/guides/platform/management-api) and "Management API
  Reference" (https://supabase.com/docs/reference/api): bearer token; 60 requests a minute per
  user, then HTTP 429 for the rest of the minute.
- Backups, V1BackupsResponse: `{region, walg_enabled, pitr_enabled, backups: [{is_physical_backup,
  status (COMPLETED|FAILED|...), inserted_at}], physical_backup_data: {...}}`
  (GET /v1/projects/{ref}/database/backups; "Database Backups",
  https://supabase.com/docs/guides/platform/backups: Free projects have no downloadable backups).
- Health: GET /v1/projects/{ref}/health?services=auth,db,... -> `[{name, healthy, status
  (COMING_UP|ACTIVE_HEALTHY|UNHEALTHY), info?, error?}]`.
- Advisors: GET /v1/projects/{ref}/advisors/{security|performance} -> `{lints: [{name, title, level
  (ERROR|WARN|INFO), facing, categories, description, detail, remediation, metadata, cache_key}]}`.
- Logs: GET /v1/projects/{ref}/analytics/endpoints/logs?sql=&iso_timestamp_start=&iso_timestamp_end=
  -> `{result: [...rows], error}`; ClickHouse SQL over the unified `logs` table ("Migration of
  Supabase Management API logs.all analytics endpoint to logs endpoint",
  https://supabase.com/changelog/48235). The fake answers the failed-login aggregation from
  seeded Auth log rows; the retired `logs.all` path answers 404 like a removed route.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes import FakeRequest, FakeUpstream, Reply

TOKEN = "sbp_fake_management_TOKEN_0015"
REF = "abcdefghijklmnopqrst"


def backup(status: str, hours_ago: float, now: datetime | None = None) -> dict[str, Any]:
    at = (now or datetime.now(UTC)) - timedelta(hours=hours_ago)
    return {"is_physical_backup": True, "status": status, "inserted_at": at.isoformat()}


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


@dataclass
class FakeManagement(FakeUpstream):
    """Backups, health, advisors, Auth logs for project REF; `rate_limited` answers 429."""

    name: str = "supabase_management"
    backups_body: dict[str, Any] = field(default_factory=dict)
    health_body: list[dict[str, Any]] = field(default_factory=list)
    security: list[dict[str, Any]] = field(default_factory=list)
    performance: list[dict[str, Any]] = field(default_factory=list)
    auth_failures: list[tuple[str, int]] = field(default_factory=list)  # (ip, attempts)
    remaining: int | None = None  # X-RateLimit-Remaining to report (None: 59)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.reset()
        prefix = r"/v1/projects/(?P<ref>[a-z0-9]+)"
        self.route("GET", prefix + "/database/backups")(self._guard(lambda r: self.backups_body))
        self.route("GET", prefix + "/health")(self._guard(self._health))
        self.route("GET", prefix + "/advisors/security")(
            self._guard(lambda r: {"lints": self.security})
        )
        self.route("GET", prefix + "/advisors/performance")(
            self._guard(lambda r: {"lints": self.performance})
        )
        self.route("GET", prefix + "/analytics/endpoints/logs")(self._guard(self._logs))

    def reset(self) -> None:
        super().reset()
        self.backups_body = {
            "region": "eu-central-1",
            "walg_enabled": True,
            "pitr_enabled": False,
            "backups": [backup("COMPLETED", 5), backup("COMPLETED", 29)],
            "physical_backup_data": {},
        }
        self.health_body = [
            {"name": s, "healthy": True, "status": "ACTIVE_HEALTHY", "info": {}}
            for s in ("auth", "db", "pooler", "realtime", "rest", "storage")
        ]
        self.security, self.performance, self.auth_failures = [], [], []
        self.remaining = None

    def extra_headers(self, status: int) -> dict[str, str]:
        if status == 429:
            return {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "Retry-After": "42"}
        remaining = 59 if self.remaining is None else self.remaining
        return {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": str(remaining)}

    def error_body(self, status: int, message: str) -> Any:
        return {"message": message}

    def _guard(self, answer: Any) -> Any:
        def handler(request: FakeRequest, ref: str) -> Reply:
            if request.headers.get("authorization") != f"Bearer {TOKEN}":
                return 401, {"message": "Unauthorized"}
            if ref != REF:
                return 404, {"message": "Project not found"}
            return 200, answer(request)

        return handler

    def _health(self, request: FakeRequest) -> list[dict[str, Any]]:
        wanted = (request.arg("services") or "").split(",")
        return [s for s in self.health_body if s["name"] in wanted]

    def _logs(self, request: FakeRequest) -> dict[str, Any]:
        sql = request.arg("sql") or ""
        if "FROM logs" not in sql or "source_name = 'auth_logs'" not in sql:
            return {"result": None, "error": {"message": "unsupported query in the fake"}}
        if not request.arg("iso_timestamp_start") or not request.arg("iso_timestamp_end"):
            return {"result": None, "error": {"message": "timestamps required"}}
        rows = [{"ip": ip, "attempts": n} for ip, n in self.auth_failures]
        return {"result": rows, "error": None}
