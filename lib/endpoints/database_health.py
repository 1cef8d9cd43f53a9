"""/api/health/database: connections, latency, storage, slow queries, tables, leads."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field

from lib import store
from lib.core.http import Request, Response, json_response, require_token
from lib.core.status_words import Health
from lib.platform import management
from lib.platform.details import PlatformDetails, platform_details
from lib.store import STORE_SETTINGS, SchemaMissing, Store, StoreError, schema

# The table CarBot's leads land in (guide: "Check recent activity").
LEADS_TABLE = ("leads", "created_at")
# Query performance bands of docs/endpoints.md; degraded above this share of storage or connections.
GOOD_MS, CRITICAL_MS = 100, 2000
HIGH_USAGE_PCT = 80

Performance = Literal["good", "slow", "critical"]


class SlowQuery(BaseModel):
    """A statement from pg_stat_statements whose mean time is over 2 s."""

    query: str
    mean_ms: float
    calls: int


class TableSize(BaseModel):
    table: str
    bytes: int


class DatabaseHealth(BaseModel):
    """The /api/health/database JSON (docs/endpoints.md)."""

    status: Health | Literal["not_configured"]  # lib/core/status_words.py
    transport: Literal["postgres", "supabase"] | None = None
    connection_count: int | None = None
    max_connections: int | None = None
    query_performance: Performance | None = None
    latency_ms: int | None = None
    storage_usage: str | None = None
    storage_bytes: int | None = None
    slow_queries: list[SlowQuery] = []
    slow_queries_note: str | None = Field(None, exclude_if=lambda v: v is None)
    largest_tables: list[TableSize] = []
    recent_leads_24h: int | None = None
    reason: str | None = Field(None, exclude_if=lambda v: v is None)
    # Backups and advisors from the Supabase Management API (SUPABASE_ACCESS_TOKEN).
    platform: PlatformDetails | None = Field(None, exclude_if=lambda v: v is None)


def performance(latency_ms: float) -> Performance:
    if latency_ms < GOOD_MS:
        return "good"
    return "slow" if latency_ms < CRITICAL_MS else "critical"


def inspect(db: Store, quota_bytes: int) -> DatabaseHealth:
    """Everything is computed in SQL: the schema check, a ping, one statistics call, one count.

    A missing schema is `degraded` with the deploy step to take (the database is up); an older
    one still reports what its functions can, degraded with the versions not applied.
    """
    # Connects, so the timed ping below measures the query alone.
    problem = schema.check(db).reason
    if problem == schema.NOT_INSTALLED:
        return DatabaseHealth(status="degraded", reason=problem)
    try:
        health = _measure(db, quota_bytes)
    except SchemaMissing as error:  # installed by hand without bookkeeping, and incomplete
        return DatabaseHealth(status="degraded", reason=problem or error.reason)
    if problem is not None:
        health.status, health.reason = "degraded", problem
    return health


def _measure(db: Store, quota_bytes: int) -> DatabaseHealth:
    started = time.perf_counter()
    db.ping()
    latency_ms = round((time.perf_counter() - started) * 1000)
    stats = db.database_stats(slow_ms=CRITICAL_MS)
    now = datetime.now(UTC)
    leads = db.count_rows(*LEADS_TABLE, now - timedelta(hours=24), now)
    storage_pct = 100 * stats.storage_bytes / quota_bytes
    perf = performance(latency_ms)
    busy = stats.connection_count >= stats.max_connections * HIGH_USAGE_PCT / 100
    degraded = perf != "good" or storage_pct >= HIGH_USAGE_PCT or busy
    return DatabaseHealth(
        status="degraded" if degraded else "healthy",
        connection_count=stats.connection_count,
        max_connections=stats.max_connections,
        query_performance=perf,
        latency_ms=latency_ms,
        storage_usage=f"{storage_pct:.0f}%",
        storage_bytes=stats.storage_bytes,
        slow_queries=[SlowQuery.model_validate(q) for q in stats.slow_queries],
        slow_queries_note=None
        if stats.pg_stat_statements
        else "pg_stat_statements is not installed; slow queries are unknown",
        largest_tables=[TableSize.model_validate(t) for t in stats.largest_tables],
        recent_leads_24h=leads,
    )


def database_health_response(request: Request) -> Response:
    require_token(request)
    settings = request.settings
    if not store.configured(settings):
        return json_response(
            DatabaseHealth(status="not_configured", reason=f"set {STORE_SETTINGS}")
        )
    try:
        with Store.from_settings(settings, timeout=settings.health_timeout_ms / 1000) as db:
            body = inspect(db, settings.db_storage_quota_bytes)
    except StoreError as error:
        body = DatabaseHealth(status="unhealthy", reason=error.reason)
    body.transport = store.transport_name(settings)  # type: ignore[assignment]
    if management.missing(settings) is None:  # without a token the block is left out
        body.platform = platform_details(settings, settings.health_timeout_ms / 1000)
    return json_response(body, 503 if body.status == "unhealthy" else 200)
