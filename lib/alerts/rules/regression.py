"""Deployment regression: the traffic right after a production promote against the hours before."""

from __future__ import annotations

from datetime import timedelta

from lib.alerts.rules.base import BaseRule, Observation, RuleContext
from lib.alerts.rules.deployments import webhooks_missing
from lib.deployments.store import Deployment, recent_deployments
from lib.drains.query import WindowStats, window_stats
from lib.drains.store import last_received
from lib.notify.message import format_time

AFTER = timedelta(minutes=30)  # judged while a promote is this recent...
BEFORE = timedelta(hours=2)  # ...against this long before it
WATCH = timedelta(hours=24)  # after the first 30 minutes: the last 30 minutes, for a day
MIN_REQUESTS = 50.0  # in the window after the promote
# The drain rules' defaults (docs/alerts.md), unless monitoring.toml overrides them.
ERROR_RATE_PCT = 1.0
RESPONSE_MS = 500.0


def _threshold(ctx: RuleContext, rule: str, default: float) -> float:
    override = ctx.monitor_config().alerts.get(rule)
    return default if override is None or override.threshold is None else override.threshold


def _previous(promoted: Deployment, deployments: list[Deployment]) -> Deployment | None:
    """The production deployment that served before `promoted`: the one promoted last before it."""
    assert promoted.promoted_at is not None
    earlier = [
        d
        for d in deployments
        if d.id != promoted.id and d.state == "ready" and d.created_at <= promoted.promoted_at
    ]
    return max(earlier, key=lambda d: d.promoted_at or d.ready_at or d.created_at, default=None)


class DeploymentRegression(BaseRule):
    """Error rate or p95 at least `threshold`× the two hours before a production promote and
    above the error_rate / response_time thresholds, with a minimum volume."""

    name = "deployment_regression"
    title = "Deployment regression"
    unit = "×"
    default_threshold = 2.0
    default_severity = "critical"
    threshold_range = (1.0, float("inf"))

    def observe(self, ctx: RuleContext) -> list[Observation]:
        missing = webhooks_missing(ctx)
        if missing is not None:
            return [self.observation("not_configured", None, missing)]
        if not last_received(ctx.store):
            return [self.observation("not_configured", None, "no drain data (Vercel Drains)")]
        deployments = recent_deployments(ctx.store, "production", 20)
        promoted = [d for d in deployments if d.promoted_at and d.promoted_at <= ctx.now]
        if not promoted:
            return [self.observation("ok", None, "no production promote recorded")]
        latest = max(promoted, key=lambda d: d.promoted_at)  # type: ignore[arg-type,return-value]
        at = latest.promoted_at
        assert at is not None
        if ctx.now - at > WATCH:
            return [self.observation("ok", None, f"last promote {format_time(at)}")]
        start = max(at, ctx.now - AFTER)
        after = window_stats(ctx.store, start, ctx.now)
        before = window_stats(ctx.store, at - BEFORE, at)
        if after.requests < MIN_REQUESTS:
            message = f"{after.requests:.0f} requests since the promote (minimum {MIN_REQUESTS:g})"
            return [self.observation("settling", None, message)]
        factor, findings = self._compare(ctx, before, after)
        if not findings:
            return [self.observation("ok", factor, f"{latest.describe()}: no regression")]
        previous = _previous(latest, deployments)
        back = f"; roll back to {previous.describe()}" if previous else ""
        message = f"{latest.describe()} promoted {format_time(at)}: {'; '.join(findings)}{back}"
        return [self.observation("firing", factor, message)]

    def _compare(
        self, ctx: RuleContext, before: WindowStats, after: WindowStats
    ) -> tuple[float | None, list[str]]:
        checks = (
            (
                "error rate",
                "%",
                after.error_rate_pct,
                before.error_rate_pct,
                _threshold(ctx, "error_rate", ERROR_RATE_PCT),
            ),
            (
                "p95 response time",
                " ms",
                after.p95_ms,
                before.p95_ms,
                _threshold(ctx, "response_time", RESPONSE_MS),
            ),
        )
        findings: list[str] = []
        worst: float | None = None
        for what, unit, now_value, then_value, limit in checks:
            if now_value is None:
                continue
            ratio = now_value / then_value if then_value else None
            if ratio is not None:
                worst = ratio if worst is None else max(worst, ratio)
            if now_value > limit and (ratio is None or ratio >= self.threshold):
                was = f"{then_value:g}{unit}" if then_value is not None else "no data"
                findings.append(f"{what} {now_value:g}{unit} vs {was} in the 2 h before")
        return worst, findings
