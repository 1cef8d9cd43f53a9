"""Database rules: storage against the quota, connection errors, query time."""

from __future__ import annotations

from datetime import timedelta

from lib import store as store_module
from lib.alerts.rules.base import HOUR, BaseRule, Observation, RuleContext, percent

# A database check older than this says nothing about query time now (cron runs every 5 min).
RECENT_CHECK = timedelta(minutes=10)


class DatabaseStorage(BaseRule):
    """Database size against DB_STORAGE_QUOTA_MB: yesterday's metric, else measured now."""

    name = "database_storage"
    title = "Database storage"
    unit = "%"
    daily = True
    default_threshold = 80.0
    threshold_range = (0.0, 100.0)

    def observe(self, ctx: RuleContext) -> list[Observation]:
        if not store_module.configured(ctx.settings):
            return [self.observation("not_configured", None, "no database configured")]
        pct = ctx.metrics(ctx.yesterday).get("db_storage_pct")
        if pct is None:
            pct = percent(ctx.database_size(), ctx.settings.db_storage_quota_bytes)
        quota = ctx.settings.db_storage_quota_mb
        return [self.above(pct, f"database uses {pct:.1f} % of its {quota} MB quota")]


class DatabaseConnectionErrors(BaseRule):
    """Failed database checks in the last hour (the monitor's own probes, from check history)."""

    name = "database_connection_errors"
    title = "Database connection errors"
    unit = "per hour"
    default_threshold = 10.0
    default_severity = "critical"

    def observe(self, ctx: RuleContext) -> list[Observation]:
        if not store_module.configured(ctx.settings):
            return [self.observation("not_configured", None, "no database configured")]
        checks = ctx.store.checks_since("database", ctx.now - HOUR)
        failed = sum(1 for c in checks if c.status == "down" and c.checked_at <= ctx.now)
        return [self.above(failed, f"{failed} failed database checks in the last hour")]


class DatabaseQueryTime(BaseRule):
    """Slowest query: pg_stat_statements mean time when present, else the probe's round trip."""

    name = "database_query_time"
    title = "Database query time"
    unit = "s"
    default_threshold = 2.0

    def observe(self, ctx: RuleContext) -> list[Observation]:
        if not store_module.configured(ctx.settings):
            return [self.observation("not_configured", None, "no database configured")]
        stats = ctx.database_stats(self.threshold * 1000)
        slowest = max((float(q.get("mean_ms", 0)) for q in stats.slow_queries), default=None)
        # The latest check of the last minutes through the (service, time) index: the store's
        # latest_checks() scans the whole history.
        recent = ctx.store.checks_since("database", ctx.now - RECENT_CHECK)
        latest = next((c for c in reversed(recent) if c.checked_at <= ctx.now), None)
        probe = None
        if latest is not None and latest.status != "down" and latest.latency_ms is not None:
            probe = latest.latency_ms
        candidates = [v for v in (slowest, probe) if v is not None]
        if not candidates:
            return [self.observation("unknown", None, "no query timing available")]
        seconds = max(candidates) / 1000
        where = "slowest statement (mean)" if slowest == max(candidates) else "probe round trip"
        return [self.above(seconds, f"{where} took {seconds:.2f} s")]
