"""A small Supabase Management API client: bearer token, short timeouts, rate limits respected.

Endpoints (Management API Reference, https://supabase.com/docs/reference/api):
- GET /v1/projects/{ref}/database/backups         backups, PITR (scope: database read)
- GET /v1/projects/{ref}/health?services=auth&services=db...  per-service health (scope:
  projects read). `services` is an array query parameter without `style`/`explode` in the
  OpenAPI document, so OpenAPI 3.0's default applies: form style, exploded (one `services=` per
  service), not a comma-joined list.
- GET /v1/projects/{ref}/advisors/security        security lints (scope: advisors read)
- GET /v1/projects/{ref}/advisors/performance     performance lints (scope: advisors read)
- GET /v1/projects/{ref}/analytics/endpoints/logs  ClickHouse SQL over the unified `logs`
  table (scope: analytics read). It replaces `analytics/endpoints/logs.all`, removed on
  2026-09-23 ("Migration of Supabase Management API logs.all analytics endpoint to logs
  endpoint", https://supabase.com/changelog/48235). Parameters as `logs.all`: `sql`,
  `iso_timestamp_start`, `iso_timestamp_end`, a range of at most 24 hours.
Rate limit (https://supabase.com/docs/guides/platform/management-api): 60 requests a minute per
user across all tokens; over it every call is a 429 for the next minute. We never sleep through
that in a serverless function: a 429 (or X-RateLimit-Remaining: 0) stops this client's calls for
the Retry-After/X-RateLimit-Reset seconds and the caller reports `rate limited`.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ValidationError

from lib.core import tls
from lib.core.config import Settings
from lib.core.errors import MonitorError, reason_for
from lib.core.not_configured import NotConfigured

TIMEOUT_S = 5.0
HEALTH_SERVICES = ("auth", "db", "pooler", "realtime", "rest", "storage")
TokenStatus = Literal["ok", "rejected", "not_configured", "unreachable"]


class PlatformError(MonitorError):
    """A Management API call failed; `status` is the HTTP status when there was one."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.status = status


class RateLimited(PlatformError):
    """429, or the window's budget is spent: no call until `retry_after_s` have passed."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__(f"rate limited (retry in {retry_after_s:.0f} s)", 429)
        self.retry_after_s = retry_after_s


class Backup(BaseModel):
    """One entry of `backups` in V1BackupsResponse."""

    is_physical_backup: bool = False
    status: str  # COMPLETED, FAILED, PENDING, REMOVED, ARCHIVED, CANCELLED
    inserted_at: datetime


class BackupsResponse(BaseModel):
    region: str | None = None
    walg_enabled: bool = False
    pitr_enabled: bool = False
    backups: list[Backup] = []


class ServiceHealth(BaseModel):
    """One item of the health response (V1ServiceHealthResponse): `{name, status, info?, error?}`.

    `healthy` is "Deprecated. Use `status` instead.": it may be absent, and `status` is read.
    """

    name: str
    healthy: bool | None = None
    status: str  # COMING_UP, ACTIVE_HEALTHY, UNHEALTHY
    error: str | None = None


class Lint(BaseModel):
    """One advisor lint: name (e.g. `rls_disabled_in_public`), level ERROR/WARN/INFO, ..."""

    name: str
    title: str = ""
    level: str
    detail: str = ""
    remediation: str | None = None
    metadata: dict[str, Any] | None = None
    cache_key: str | None = None

    @property
    def entity(self) -> str | None:
        meta = self.metadata or {}
        if meta.get("schema") and meta.get("name"):
            return f"{meta['schema']}.{meta['name']}"
        return meta.get("entity") or meta.get("name")


class LintsResponse(BaseModel):
    lints: list[Lint] = []


class LogsResponse(BaseModel):
    """AnalyticsResponse: `{result: [...rows], error?}`; `error` a string or an object, and
    `null` on success in field reports (supabase/supabase#49705) though the document omits it."""

    result: list[dict[str, Any]] | None = None
    error: Any = None


def project_ref(settings: Settings) -> str | None:
    """SUPABASE_PROJECT_REF, else the first label of a `<ref>.supabase.co` SUPABASE_URL."""
    if settings.supabase_project_ref:
        return settings.supabase_project_ref
    if settings.supabase_url is None:
        return None
    host = urlsplit(str(settings.supabase_url)).hostname or ""
    ref, _, domain = host.partition(".")
    return ref if domain in ("supabase.co", "supabase.in") and ref else None


def not_configured(settings: Settings) -> NotConfigured | None:
    """What the Management API still needs; None when token and project ref are known."""
    if settings.supabase_access_token is None:
        return NotConfigured(settings=("SUPABASE_ACCESS_TOKEN",))
    if project_ref(settings) is None:
        return NotConfigured(
            settings=("SUPABASE_PROJECT_REF",), note="and SUPABASE_URL is not a *.supabase.co URL"
        )
    return None


def missing(settings: Settings) -> str | None:
    """not_configured as a sentence (`SUPABASE_ACCESS_TOKEN is not set`), for messages."""
    found = not_configured(settings)
    return None if found is None else str(found)


class ManagementClient:
    """Synchronous client for one project; one instance per cron run (it tracks the budget)."""

    def __init__(self, settings: Settings, timeout_s: float = TIMEOUT_S) -> None:
        reason = missing(settings)
        if reason is not None:
            raise PlatformError(reason)
        assert settings.supabase_access_token is not None
        self.ref = project_ref(settings)
        self._token = settings.supabase_access_token.get_secret_value()
        self._base = str(settings.supabase_api_url).rstrip("/")
        self._timeout = httpx.Timeout(timeout_s, connect=min(2.0, timeout_s))
        self._blocked_until = 0.0

    def get(self, path: str, params: dict[str, str | list[str]] | None = None) -> Any:
        """GET `/v1/projects/{ref}{path}` as JSON; PlatformError with a short reason otherwise."""
        wait = self._blocked_until - time.monotonic()
        if wait > 0:
            raise RateLimited(wait)
        url = f"{self._base}/v1/projects/{self.ref}{path}"
        try:
            with httpx.Client(timeout=self._timeout, verify=tls.ssl_context()) as client:
                response = client.get(
                    url, params=params, headers={"Authorization": f"Bearer {self._token}"}
                )
        except httpx.HTTPError as error:
            raise PlatformError(reason_for(error)) from None
        self._note_budget(response)
        if response.status_code == 429:
            raise RateLimited(max(self._blocked_until - time.monotonic(), 1.0))
        if response.status_code in (401, 403):
            raise PlatformError("token rejected", response.status_code)
        if response.status_code >= 400:
            raise PlatformError(f"status {response.status_code}", response.status_code)
        try:
            return response.json()
        except ValueError:
            raise PlatformError("malformed response", response.status_code) from None

    def _note_budget(self, response: httpx.Response) -> None:
        headers = response.headers
        retry = _seconds(headers.get("retry-after")) or _seconds(headers.get("x-ratelimit-reset"))
        spent = headers.get("x-ratelimit-remaining") == "0"
        if response.status_code == 429 or spent:
            self._blocked_until = time.monotonic() + (retry or 60.0)

    def _parse[M: BaseModel](self, model: type[M], data: Any) -> M:
        try:
            return model.model_validate(data)
        except ValidationError:
            raise PlatformError("malformed response") from None

    def backups(self) -> BackupsResponse:
        return self._parse(BackupsResponse, self.get("/database/backups"))

    def health(self) -> list[ServiceHealth]:
        data = self.get("/health", {"services": list(HEALTH_SERVICES)})
        if not isinstance(data, list):
            raise PlatformError("malformed response")
        return [self._parse(ServiceHealth, item) for item in data]

    def advisors(self, kind: Literal["security", "performance"]) -> list[Lint]:
        return self._parse(LintsResponse, self.get(f"/advisors/{kind}")).lints

    def logs(self, sql: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        params: dict[str, str | list[str]] = {
            "sql": sql,
            "iso_timestamp_start": start.isoformat(),
            "iso_timestamp_end": end.isoformat(),
        }
        body = self._parse(LogsResponse, self.get("/analytics/endpoints/logs", params))
        if body.error:
            raise PlatformError("log query rejected")
        return body.result or []


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def token_status(settings: Settings) -> TokenStatus:
    """For the doctor: does the Management API accept SUPABASE_ACCESS_TOKEN for this project?"""
    if missing(settings) is not None:
        return "not_configured"
    try:
        ManagementClient(settings).health()
    except RateLimited:
        return "ok"  # a 429 is answered only after the token was accepted
    except PlatformError as error:
        return "rejected" if error.status in (401, 403) else "unreachable"
    return "ok"
