"""Dispute rate: Stripe disputes opened over the last 30 days / succeeded charges of those days.

Thresholds follow the card networks' monitoring programmes (docs/alerts.md, "Dispute rate"):
a warning at Visa's former early-warning ratio, critical at its former standard ratio, both
below Mastercard's and Visa VAMP's current merchant thresholds.
"""

from __future__ import annotations

from datetime import timedelta

from lib.alerts.rules.base import BaseRule, Observation, RuleContext, percent

WINDOW_DAYS = 30
CRITICAL_PCT = 0.9  # Visa VDMP "standard" ratio; VAMP merchant 1.5 %, Mastercard ECM 1.5 %
MIN_CHARGES = 100  # fewer succeeded charges in 30 days: one dispute is no rate (not judged)


class DisputeRate(BaseRule):
    """Disputes / succeeded charges over the 30 days up to yesterday, from the daily metrics."""

    name = "dispute_rate"
    title = "Dispute rate"
    unit = "%"
    daily = True
    default_threshold = 0.65  # Visa VDMP "early warning" ratio
    default_severity = "warning"
    threshold_range = (0.0, 100.0)
    series_days = WINDOW_DAYS

    def observe(self, ctx: RuleContext) -> list[Observation]:
        last = ctx.yesterday
        first = last - timedelta(days=WINDOW_DAYS - 1)
        series = ctx.store.metric_series_many(
            ["disputes_opened", "payments_succeeded", "early_fraud_warnings"], first, last
        )
        disputes = {p["day"]: float(p["value"]) for p in series.get("disputes_opened", [])}
        charges = {p["day"]: float(p["value"]) for p in series.get("payments_succeeded", [])}
        warnings = sum(float(p["value"]) for p in series.get("early_fraud_warnings", []))
        # Only days with both figures: a day without dispute metrics is not a day without disputes.
        days = sorted(set(disputes) & set(charges))
        if not days:
            return [self.observation("unknown", None, f"no dispute metrics from {first} to {last}")]
        opened = sum(disputes[d] for d in days)
        succeeded = sum(charges[d] for d in days)
        span = f"{len(days)} of the {WINDOW_DAYS} days to {last}"
        if succeeded < MIN_CHARGES:
            return [
                self.observation(
                    "ok",
                    None,
                    f"{opened:.0f} disputes, {succeeded:.0f} succeeded charges over {span}"
                    f" (judged from {MIN_CHARGES} charges)",
                )
            ]
        rate = percent(opened, succeeded)
        message = (
            f"{rate:.2f} % dispute rate: {opened:.0f} disputes / {succeeded:.0f} succeeded"
            f" charges over {span}"
        )
        if warnings:
            message += f"; {warnings:.0f} early fraud warnings (Visa VAMP counts those too)"
        observation = self.above(rate, message)
        if observation.state == "firing" and rate > max(CRITICAL_PCT, self.threshold):
            observation = observation.model_copy(update={"severity": "critical"})
        return [observation]
