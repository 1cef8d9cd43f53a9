"""The monitor's own check history (uptime, response times, failures) and the database itself."""

from __future__ import annotations

from datetime import timedelta

from lib.metrics import SourceContext, SourceError
from lib.metrics.coverage import uncovered

# The health check cron prunes older checks on every run; the daily rollups keep the figures.
CHECKS_KEPT = timedelta(days=90)


class CheckHistory:
    """`monitoring_uptime` over the day, across every service ("overall")."""

    name = "health_checks"
    uses_store = True

    def missing(self, ctx: SourceContext) -> str | None:
        return uncovered(ctx, "health_checks", "health check", CHECKS_KEPT)

    def collect(self, ctx: SourceContext) -> dict[str, float]:
        uptime = ctx.store.uptime(ctx.window.start, ctx.window.end)
        overall = uptime.get("overall")
        if overall is None or overall.uptime_pct is None:
            # After the first check a day without any is not 0 % uptime: the checks did not run.
            raise SourceError("no health checks were recorded that day")
        values: dict[str, float] = {
            "uptime_pct": overall.uptime_pct,
            "checks_failed": overall.failed,
        }
        # Latencies are of the checks that answered; a day where every check failed has none.
        if overall.avg_latency_ms is not None:
            values["avg_response_ms"] = overall.avg_latency_ms
        if overall.p95_latency_ms is not None:
            values["p95_response_ms"] = overall.p95_latency_ms
        return values


class DatabaseSize:
    """Size, share of DB_STORAGE_QUOTA_MB, connections: a snapshot, so only for the latest day."""

    name = "database"
    uses_store = True

    def missing(self, ctx: SourceContext) -> str | None:
        if not ctx.latest:
            return "a snapshot: measured only for the day that just ended"
        return None

    def collect(self, ctx: SourceContext) -> dict[str, float]:
        stats = ctx.store.database_stats()
        quota = ctx.settings.db_storage_quota_bytes
        return {
            "db_size_bytes": stats.storage_bytes,
            "db_storage_pct": round(100 * stats.storage_bytes / quota, 2),
            "db_connections": stats.connection_count,
        }
