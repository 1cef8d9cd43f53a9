"""Business rules judged on yesterday's daily metrics: payments, e-mail bounces, OpenAI cost."""

from __future__ import annotations

from datetime import timedelta

from lib.alerts.rules.base import BaseRule, Observation, RuleContext, percent
from lib.metrics.openai_usage import model_tokens


class PaymentFailureRate(BaseRule):
    """Failed / (succeeded + failed) Stripe charges of yesterday, from the daily metrics."""

    name = "payment_failure_rate"
    title = "Payment failure rate"
    unit = "%"
    daily = True
    default_threshold = 5.0
    default_severity = "critical"
    threshold_range = (0.0, 100.0)

    def observe(self, ctx: RuleContext) -> list[Observation]:
        day = ctx.yesterday
        m = ctx.metrics(day)
        if "payments_failed" in m and "payments_succeeded" in m:
            total = m["payments_failed"] + m["payments_succeeded"]
            if total == 0:
                return [self.observation("ok", None, f"no payments on {day}")]
            rate = percent(m["payments_failed"], total)
        elif "payment_success_pct" in m:
            rate = 100.0 - m["payment_success_pct"]
        else:
            return [self.observation("unknown", None, f"no payment metrics for {day}")]
        return [self.above(rate, f"{rate:.1f} % of payments failed on {day}")]


class EmailBounceRate(BaseRule):
    """Bounced / sent e-mails of yesterday (Resend metrics, from the daily metrics)."""

    name = "email_bounce_rate"
    title = "E-mail bounce rate"
    unit = "%"
    daily = True
    default_threshold = 10.0
    threshold_range = (0.0, 100.0)

    def observe(self, ctx: RuleContext) -> list[Observation]:
        day = ctx.yesterday
        m = ctx.metrics(day)
        if "email_bounce_pct" in m:
            rate = m["email_bounce_pct"]
        elif "emails_bounced" in m and m.get("emails_sent"):
            rate = percent(m["emails_bounced"], m["emails_sent"])
        else:
            return [self.observation("unknown", None, f"no e-mail metrics for {day}")]
        return [self.above(rate, f"{rate:.1f} % of e-mails bounced on {day}")]


class OpenAICostIncrease(BaseRule):
    """OpenAI cost of yesterday against the day before, in percent."""

    name = "openai_cost_increase"
    title = "OpenAI cost day over day"
    unit = "%"
    daily = True
    default_threshold = 50.0

    def observe(self, ctx: RuleContext) -> list[Observation]:
        day = ctx.yesterday
        before = day - timedelta(days=1)
        cost, previous = (
            ctx.metrics(day).get("openai_cost_usd"),
            ctx.metrics(before).get("openai_cost_usd"),
        )
        if cost is None or previous is None:
            return [self.observation("unknown", None, f"no OpenAI cost for {before} and {day}")]
        if previous <= 0:
            return [self.observation("unknown", None, f"no OpenAI cost on {before} to compare")]
        change = percent(cost - previous, previous)
        message = f"OpenAI cost {previous:.2f} → {cost:.2f} USD ({change:+.0f} %) on {day}"
        grown = grown_model(ctx.metrics(before), ctx.metrics(day))
        return [self.above(change, f"{message}; {grown}" if grown else message)]


def grown_model(before: dict[str, float], after: dict[str, float]) -> str | None:
    """The model whose tokens grew the most from one day to the next, in words; None without
    per-model tokens (no usage source) or when no model grew."""
    previous, current = model_tokens(before), model_tokens(after)
    growth = {model: tokens - previous.get(model, 0.0) for model, tokens in current.items()}
    model, grew = max(growth.items(), key=lambda item: item[1], default=(None, 0.0))
    if model is None or grew <= 0:
        return None
    was = previous.get(model, 0.0)
    return f"tokens grew most for {model}: {was:,.0f} → {current[model]:,.0f}"
