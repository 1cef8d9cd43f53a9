"""Report figures of issue 29: gross, refunds, net and disputes; tokens; Supabase Storage."""

from __future__ import annotations

from datetime import date

from lib.metrics.openai_usage import MODEL_PREFIX
from lib.metrics.storage import BUCKET_PREFIX
from lib.reports import common as c
from lib.reports.figures import Points
from lib.reports.gather import Facts
from lib.reports.model import Figure

OTHER_CURRENCY_AMOUNTS = (("refunded_cents_", "Refunds"), ("dispute_amount_cents_", "Disputed"))


def revenue_figures(facts: Facts) -> list[Figure]:
    """Gross (succeeded EUR charges), refunds, net (gross − refunds), disputes, fraud warnings."""
    return [
        c.total(facts, "revenue_cents", "Revenue (gross)", "EUR", scale=0.01),
        c.total(facts, "refunded_cents", "Refunds", "EUR", scale=0.01),
        c.total(facts, "net_revenue_cents", "Net revenue (gross − refunds)", "EUR", scale=0.01),
        c.total(facts, "refunds", "Refunds issued"),
        c.total(facts, "disputes_opened", "Disputes opened"),
        c.total(facts, "dispute_amount_cents", "Disputed amount", "EUR", scale=0.01),
        c.ratio(
            facts, "dispute_rate_pct", "Dispute rate", "disputes_opened", ("payments_succeeded",)
        ),
        c.total(facts, "early_fraud_warnings", "Early fraud warnings"),
    ]


def other_currency_lines(points: Points, days: list[date]) -> list[str]:
    """`Refunds in other currencies: 7.00 USD` for the families stored per currency."""
    lines = []
    for prefix, label in OTHER_CURRENCY_AMOUNTS:
        amounts = {
            metric.removeprefix(prefix).upper(): total / 100
            for metric in sorted(points.series)
            if metric.startswith(prefix) and (total := points.total(metric, days))
        }
        if amounts:
            shown = ", ".join(f"{amount:,.2f} {cur}" for cur, amount in amounts.items())
            lines.append(f"{label} in other currencies: {shown}")
    return lines


def token_figures(facts: Facts) -> list[Figure]:
    per_conversation = c.metric_figure(
        facts,
        "openai_tokens_per_conversation",
        "OpenAI tokens per conversation",
        "count",
        ("openai_input_tokens", "chat_conversations"),
        lambda points, days: _tokens_per_conversation(points, days),
        digits=1,
    )
    return [
        c.total(facts, "openai_input_tokens", "OpenAI input tokens"),
        c.total(facts, "openai_output_tokens", "OpenAI output tokens"),
        c.total(facts, "openai_cached_tokens", "OpenAI cached input tokens"),
        c.total(facts, "openai_requests", "OpenAI requests"),
        per_conversation,
    ]


def _tokens_per_conversation(points: Points, days: list[date]) -> float | None:
    inputs = points.ratio("openai_input_tokens", ("chat_conversations",), days, 1)
    outputs = points.ratio("openai_output_tokens", ("chat_conversations",), days, 1)
    return None if inputs is None or outputs is None else inputs + outputs


def model_lines(points: Points, days: list[date]) -> list[str]:
    """`Tokens by model: gpt_4o_mini 1,200,000, ...`, most first."""
    totals = {
        metric.removeprefix(MODEL_PREFIX): total
        for metric in points.series
        if metric.startswith(MODEL_PREFIX) and (total := points.total(metric, days))
    }
    if not totals:
        return []
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    return ["Tokens by model: " + ", ".join(f"{model} {n:,.0f}" for model, n in ranked)]


def _megabytes(value: float) -> str:
    return f"{value / 1_000_000:,.1f} MB"


def storage_lines(points: Points, days: list[date]) -> list[str]:
    """Supabase Storage on the last day measured (a daily snapshot), its growth, per bucket."""
    measured = sorted(points.values("storage_bytes", days).items())
    if not measured:
        return ["Supabase Storage: no data (no storage schema, or not measured yet)"]
    (first_day, first), (last_day, last) = measured[0], measured[-1]
    objects = points.values("storage_objects", [last_day]).get(last_day)
    line = f"Supabase Storage on {last_day}: {_megabytes(last)}"
    if objects is not None:
        line += f" in {objects:,.0f} objects"
    if first_day != last_day:
        line += (
            f" ({'+' if last >= first else '−'}{_megabytes(abs(last - first))} since {first_day})"
        )
    buckets = {
        metric.removeprefix(BUCKET_PREFIX): value
        for metric in points.series
        if metric.startswith(BUCKET_PREFIX)
        and (value := points.values(metric, [last_day]).get(last_day)) is not None
    }
    if buckets:
        ranked = sorted(buckets.items(), key=lambda item: -item[1])
        line += "; by bucket: " + ", ".join(f"{b} {_megabytes(v)}" for b, v in ranked)
    return [line]
