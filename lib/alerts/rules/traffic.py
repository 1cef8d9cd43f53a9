"""Traffic rules on CarBot's own requests (Vercel Drains): errors, latency, crashes, spikes, vitals.

Each needs a minimum request volume (`min_requests` in [alerts.<rule>]), so a quiet night with
one failed request pages nobody; below it the rule is `ok` and says how few requests it saw.
"""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta

from lib.alerts.rules.base import BaseRule, Observation, RuleContext
from lib.drains.query import WindowStats, groups, window_stats
from lib.drains.store import last_received

WINDOW = timedelta(minutes=15)
HOUR = timedelta(hours=1)


class _TrafficRule(BaseRule):
    """Shared: the drain kind the rule needs, its window and the minimum volume."""

    options_taken = frozenset({"min_requests"})
    needs = "log"
    window = WINDOW
    default_min_requests = 100

    @property
    def min_requests(self) -> int:
        return self.options.min_requests or self.default_min_requests

    def stats(self, ctx: RuleContext, start_ago: timedelta, end_ago: timedelta) -> WindowStats:
        return window_stats(
            ctx.store,
            ctx.now - start_ago,
            ctx.now - end_ago,
            sampling=ctx.settings.vercel_drain_sampling,
            grain="minute",
        )

    def without_drain(self, ctx: RuleContext) -> Observation | None:
        if self.needs not in last_received(ctx.store):
            what = {"log": "log drain", "trace": "trace drain"}[self.needs]
            return self.observation("not_configured", None, f"no Vercel {what} data in 24 h")
        return None

    def too_quiet(self, stats: WindowStats) -> Observation | None:
        if stats.requests < self.min_requests:
            minutes = round(self.window.total_seconds() / 60)
            message = (
                f"{stats.requests:.0f} requests in {minutes} min (judged from {self.min_requests})"
            )
            return self.observation("ok", None, message)
        return None


class ErrorRate(_TrafficRule):
    """Share of requests answered 5xx or crashed over the last 15 minutes."""

    name = "error_rate"
    title = "Error rate"
    unit = "%"
    default_threshold = 1.0
    default_severity = "critical"
    threshold_range = (0.0, 100.0)

    def observe(self, ctx: RuleContext) -> list[Observation]:
        missing = self.without_drain(ctx)
        if missing is not None:
            return [missing]
        stats = self.stats(ctx, self.window, timedelta(0))
        quiet = self.too_quiet(stats)
        if quiet is not None:
            return [quiet]
        rate = stats.error_rate_pct or 0.0
        message = (
            f"{rate:.2f} % of {stats.requests:.0f} requests failed in 15 min ({stats.errors:.0f})"
        )
        return [self.above(rate, message)]


class ResponseTime(_TrafficRule):
    """Average response time over the last 15 minutes (trace drain durations); p95 beside it."""

    name = "response_time"
    title = "Response time"
    unit = "ms"
    default_threshold = 500.0
    needs = "trace"
    default_min_requests = 50

    def observe(self, ctx: RuleContext) -> list[Observation]:
        missing = self.without_drain(ctx)
        if missing is not None:
            return [missing]
        stats = self.stats(ctx, self.window, timedelta(0))
        if stats.avg_ms is None or stats.timed < self.min_requests:
            message = (
                f"{stats.timed:.0f} timed requests in 15 min (judged from {self.min_requests})"
            )
            return [self.observation("ok", None, message)]
        message = f"average {stats.avg_ms:.0f} ms, p95 {stats.p95_ms or 0:.0f} ms over 15 min"
        return [self.above(stats.avg_ms, message)]


class FunctionCrashes(_TrafficRule):
    """Function invocations that crashed without a response (statusCode -1) in 5 minutes."""

    name = "function_crashes"
    title = "Function crashes"
    unit = "crashes"
    default_threshold = 0.0
    threshold_range = (-1.0, float("inf"))
    window = timedelta(minutes=5)
    default_min_requests = 1

    def observe(self, ctx: RuleContext) -> list[Observation]:
        missing = self.without_drain(ctx)
        if missing is not None:
            return [missing]
        stats = self.stats(ctx, self.window, timedelta(0))
        return [self.above(stats.crashes, f"{stats.crashes:.0f} crashed invocations in 5 min")]


class TrafficSpike(_TrafficRule):
    """Requests of the last hour against the median of the same hour of the four weeks before."""

    name = "traffic_spike"
    title = "Traffic spike"
    unit = "×"
    default_threshold = 3.0
    window = HOUR

    def observe(self, ctx: RuleContext) -> list[Observation]:
        missing = self.without_drain(ctx)
        if missing is not None:
            return [missing]
        now = self.stats(ctx, HOUR, timedelta(0))
        quiet = self.too_quiet(now)
        if quiet is not None:
            return [quiet]
        baseline = statistics.median(self.usual(ctx, weeks_ago) for weeks_ago in range(1, 5))
        if baseline <= 0:
            return [self.observation("unknown", None, "no traffic in the same hour of 4 weeks")]
        ratio = now.requests / baseline
        message = (
            f"{now.requests:.0f} requests in the last hour, {ratio:.1f}× the usual {baseline:.0f}"
        )
        return [self.above(ratio, message)]

    def usual(self, ctx: RuleContext, weeks_ago: int) -> float:
        """Requests of the last hour's window that many weeks ago, from the hour buckets.

        Minute buckets are kept only [traffic] minute_days, so each clock hour the window
        touches counts by its share of the window (traffic taken as even within an hour).
        """
        end = ctx.now - timedelta(weeks=weeks_ago)
        start = end - HOUR
        sampling = ctx.settings.vercel_drain_sampling
        per_hour = groups(ctx.store, start, end, sampling, step=HOUR, grain="hour")["time"]
        total = 0.0
        for begins, stats in per_hour.items():
            hour_start = datetime.fromisoformat(begins)
            overlap = min(end, hour_start + HOUR) - max(start, hour_start)
            total += stats.requests * max(0.0, overlap / HOUR)
        return total


# web.dev's "good" limits for the p75 of each Core Web Vital.
GOOD_P75 = {"lcp": ("web_vitals_lcp_p75_ms", 2500.0), "inp": ("web_vitals_inp_p75_ms", 200.0),
            "cls": ("web_vitals_cls_p75", 0.1)}  # fmt: skip


class WebVitals(BaseRule):
    """Yesterday's p75 of LCP, INP and CLS against web.dev's "good" limits (× the threshold)."""

    name = "web_vitals"
    title = "Core Web Vitals"
    unit = "× good limit"
    daily = True
    default_threshold = 1.0

    def observe(self, ctx: RuleContext) -> list[Observation]:
        day = ctx.yesterday
        metrics = ctx.metrics(day)
        found = []
        for vital, (metric, good) in GOOD_P75.items():
            key = f"{self.name}:{vital}"
            limit = good * self.threshold
            if metric not in metrics:
                message = f"no {vital.upper()} data for {day} (Speed Insights drain)"
                found.append(self.observation("unknown", None, message, key, limit))
                continue
            value = metrics[metric]
            message = f"{vital.upper()} p75 {value:g} on {day} (good: ≤ {good:g})"
            found.append(self.above(value, message, key, threshold=limit))
        return found
