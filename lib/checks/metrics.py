"""Daily metrics of each synthetic check: `check_uptime_pct:<name>`, `check_p95_ms:<name>`."""

from __future__ import annotations

from lib.checks import SERVICE_PREFIX
from lib.metrics import SourceContext, SourceError


class CheckMetrics:
    """monitoring_uptime over the day (counted in SQL), the rows of every `check:<name>`."""

    name = "synthetic_checks"
    uses_store = True

    def missing(self, ctx: SourceContext) -> str | None:
        return None if ctx.config.checks else "no [[checks]] in monitoring.toml"

    def collect(self, ctx: SourceContext) -> dict[str, float]:
        uptime = ctx.store.uptime(ctx.window.start, ctx.window.end)
        values: dict[str, float] = {}
        for service, figures in uptime.items():
            if not service.startswith(SERVICE_PREFIX) or figures.uptime_pct is None:
                continue
            name = service.removeprefix(SERVICE_PREFIX)
            values[f"check_uptime_pct:{name}"] = figures.uptime_pct
            if figures.p95_latency_ms is not None:
                values[f"check_p95_ms:{name}"] = figures.p95_latency_ms
        if not values:
            raise SourceError("no check results were recorded that day")
        return values


SOURCES = (CheckMetrics(),)
