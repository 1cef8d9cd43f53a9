"""Daily traffic metrics (docs/metrics.md) from the hour buckets; absent before the first drain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lib.core.not_configured import NotConfigured
from lib.drains import web_analytics_api
from lib.drains.query import WindowStats, web_vitals_p75, window_stats
from lib.drains.retention import BUCKETS_KEPT
from lib.drains.store import visitor_day
from lib.metrics import SourceContext, SourceError
from lib.metrics.coverage import first_before_end, uncovered

_VITALS = {
    "LCP": "web_vitals_lcp_p75_ms",
    "INP": "web_vitals_inp_p75_ms",
    "CLS": "web_vitals_cls_p75",
    "FCP": "web_vitals_fcp_p75_ms",
    "TTFB": "web_vitals_ttfb_p75_ms",
}


def _traffic(stats: WindowStats, logged: bool) -> dict[str, float]:
    """`logged`: request logs had arrived before the day ended, so no request is a real 0."""
    values: dict[str, float | None] = {}
    if not stats.requests and logged:
        # Rates over no request (error rate, cache hits) stay absent: 0/0 is not 0 %.
        values |= dict.fromkeys(
            ("requests", "requests_4xx", "requests_5xx", "function_crashes", "bandwidth_bytes"), 0
        )
    if stats.requests:
        values |= {
            "requests": round(stats.requests),
            "requests_4xx": round(stats.requests_4xx),
            "requests_5xx": round(stats.requests_5xx),
            "function_crashes": round(stats.crashes),
            "error_rate_pct": stats.error_rate_pct,
            "bandwidth_bytes": round(stats.bytes),
            "cache_hit_pct": stats.cache_hit_pct,
        }
    values |= {
        "response_avg_ms": stats.avg_ms,
        "response_p50_ms": stats.p50_ms,
        "response_p95_ms": stats.p95_ms,
    }
    return {k: float(v) for k, v in values.items() if v is not None}


class TrafficDay:
    """Requests, errors, latency and bandwidth of the day, and its Core Web Vitals p75."""

    name = "vercel_drains"
    uses_store = True

    def missing(self, ctx: SourceContext) -> NotConfigured | str | None:
        if ctx.settings.vercel_drain_secret is None and ctx.settings.production:
            return NotConfigured(
                settings=("VERCEL_DRAIN_SECRET",), note="no Vercel drain: Pro plan feature"
            )
        return uncovered(ctx, "vercel_drains", "Vercel drain delivery", BUCKETS_KEPT)

    def collect(self, ctx: SourceContext) -> dict[str, float]:
        start, end = ctx.window.start, ctx.window.end
        sampling = ctx.settings.vercel_drain_sampling
        stats = window_stats(ctx.store, start, end, sampling=sampling, grain="hour")
        # A trace-only drain times requests but never counts them: its counts stay absent.
        logged = bool(stats.requests) or first_before_end(ctx, "vercel_drain_requests")
        values = _traffic(stats, logged)
        vitals = web_vitals_p75(ctx.store, start, end)
        values |= {_VITALS[m]: v for m, v in vitals.items() if m in _VITALS}
        return values


class VisitorsDay:
    """Page views, unique visitors, sessions and custom events of the day (Web Analytics drain);
    without any drain data, page views and visitors from Vercel's Web Analytics REST API."""

    name = "vercel_analytics"
    uses_store = True

    def missing(self, ctx: SourceContext) -> str | None:
        if ctx.window.start < datetime.now(UTC) - BUCKETS_KEPT:
            return f"pruned after {BUCKETS_KEPT.days} days: the day's analytics rows are gone"
        return None

    def collect(self, ctx: SourceContext) -> dict[str, float]:
        today = datetime.now(ctx.settings.metrics_timezone).date()
        found = visitor_day(
            ctx.store, ctx.window.day, ctx.window.start, ctx.window.end, today - timedelta(days=1)
        )
        first = found.get("first")
        if first is None or datetime.fromisoformat(first) >= ctx.window.end:
            return self._from_api(ctx)  # no drain data for this day: absent, or the REST API
        return {
            "page_views": float(found.get("page_views") or 0),
            "unique_visitors": float(found.get("visitors") or 0),
            "sessions": float(found.get("sessions") or 0),
            "custom_events": float(found.get("events") or 0),
        }

    def _from_api(self, ctx: SourceContext) -> dict[str, float]:
        if web_analytics_api.missing(ctx.settings) is not None:
            return {}  # neither drain nor token: the metrics stay absent (never 0)
        try:
            found = web_analytics_api.day_visits(
                ctx.settings, ctx.window.start, ctx.window.end, ctx.timeout(10.0)
            )
        except web_analytics_api.WebAnalyticsError as error:
            raise SourceError(error.reason) from None
        return {k: float(v) for k, v in found.items()}


SOURCES = (TrafficDay(), VisitorsDay())
