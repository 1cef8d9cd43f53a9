"""Figure builders shared by both reports: a value for the period and the one before."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from lib.metrics.history import CHECKS_KEPT
from lib.reports.figures import Points, coverage_note
from lib.reports.gather import Facts
from lib.reports.history import AlertEpisode
from lib.reports.model import Figure, Table, Unit

# Why a daily metric is absent, by the source that writes it (docs/metrics.md, the metric table).
ABSENT: tuple[tuple[str, str], ...] = (
    ("web_vitals_", "no data: no Speed Insights drain"),
    ("requests", "no data: no Vercel drain"),
    ("response_", "no data: no Vercel drain"),
    ("error_rate_pct", "no data: no Vercel drain"),
    ("function_crashes", "no data: no Vercel drain"),
    ("bandwidth_bytes", "no data: no Vercel drain"),
    ("page_views", "no data: no Vercel Web Analytics"),
    ("unique_visitors", "no data: no Vercel Web Analytics"),
    ("sessions", "no data: no Vercel Web Analytics drain"),
    ("deployments", "no data: no Vercel deployment webhook"),
    ("build_success", "no data: no Vercel deployment webhook"),
    ("payment", "no data: no Stripe metrics"),
    ("revenue_cents", "no data: no Stripe metrics"),
    ("subscriptions_", "no data: no Stripe metrics"),
    ("email", "no data: no Resend metrics"),
    ("openai_cost", "no data: no OpenAI cost metrics (OPENAI_ADMIN_KEY)"),
    ("refund", "no data: no Stripe refund metrics"),
    ("net_revenue_cents", "no data: no Stripe charge or refund metrics"),
    ("dispute", "no data: no Stripe dispute metrics"),
    ("early_fraud_warnings", "no data: no Stripe early fraud warning metrics"),
    ("openai_", "no data: no OpenAI usage metrics (OPENAI_ADMIN_KEY)"),
    ("cost_per_conversation", "no data: no OpenAI cost metrics (OPENAI_ADMIN_KEY)"),
)


def absent(metric: str) -> str:
    return next((why for prefix, why in ABSENT if metric.startswith(prefix)), "no data")


def metric_figure(
    facts: Facts,
    key: str,
    label: str,
    unit: Unit,
    inputs: tuple[str, ...],
    compute: Callable[[Points, list[date]], float | None],
    digits: int = 2,
) -> Figure:
    """`compute` over this period's and the previous period's days; coverage of `inputs` noted."""
    days, before = facts.period.days, facts.previous.days
    return Figure.of(
        key,
        label,
        unit,
        compute(facts.points, days),
        compute(facts.points, before),
        missing=absent(inputs[0]),
        note=coverage_note(facts.points, inputs, days),
        digits=digits,
    )


def total(facts: Facts, metric: str, label: str, unit: Unit = "count", scale: float = 1) -> Figure:
    def compute(points: Points, days: list[date]) -> float | None:
        value = points.total(metric, days)
        return None if value is None else value * scale

    return metric_figure(facts, metric, label, unit, (metric,), compute)


def ratio(
    facts: Facts, key: str, label: str, numerator: str, denominator: tuple[str, ...]
) -> Figure:
    return metric_figure(
        facts,
        key,
        label,
        "%",
        (numerator, *denominator),
        lambda points, days: points.ratio(numerator, denominator, days),
    )


def uptime_figure(facts: Facts) -> Figure:
    def pct(which: str) -> float | None:
        found = facts.uptime.get(which)
        return found.get("uptime_pct") if found else None

    return Figure.of(
        "uptime_pct",
        "Uptime (probes)",
        "%",
        pct("current"),
        pct("previous"),
        missing="no data: no health checks stored",
        note=rollup_note(facts),
        digits=3,
    )


def rollup_note(facts: Facts) -> str | None:
    """Says which side of the uptime figure comes from the daily rollups (raw checks pruned)."""
    current, previous = facts.uptime.get("current"), facts.uptime.get("previous")
    kept = f"raw checks are kept {CHECKS_KEPT.days} days"
    if current and current.get("source") == "daily":
        days = len(facts.period.days)
        covered = f"; data for {current['days']} of {days} days" if current["days"] < days else ""
        return f"from the daily rollups: {kept}{covered}"
    if previous and previous.get("source") == "daily":
        return f"the period before from the daily rollups: {kept}"
    return None


def _failed_pct(points: Points, days: list[date]) -> float | None:
    """Failed requests / requests from the daily error_rate_pct (each failed request once: a
    crash and its proxy's 500 are one, docs/traffic.md), weighted by each day's requests; None
    for days without it (5xx + crashes of the daily counts is the fallback)."""
    return points.weighted("error_rate_pct", "requests", days)


def traffic_availability(facts: Facts) -> Figure:
    """Real traffic: share of requests that were neither 5xx nor crashes (drain data)."""

    def compute(points: Points, days: list[date]) -> float | None:
        requests = points.total("requests", days)
        if not requests:
            return None
        failed = _failed_pct(points, days)
        if failed is not None:
            return 100 - failed
        bad = (points.total("requests_5xx", days) or 0) + (
            points.total("function_crashes", days) or 0
        )
        return 100 * (1 - bad / requests)

    return metric_figure(
        facts, "availability_pct", "Availability (real traffic)", "%", ("requests",), compute, 3
    )


def error_rate(facts: Facts) -> Figure:
    def compute(points: Points, days: list[date]) -> float | None:
        requests = points.total("requests", days)
        failed = _failed_pct(points, days) if requests else None
        if failed is not None:
            return failed
        if requests and points.total("requests_5xx", days) is not None:
            bad = points.total("requests_5xx", days) or 0
            return 100 * (bad + (points.total("function_crashes", days) or 0)) / requests
        return points.weighted("error_rate_pct", "requests", days)

    return metric_figure(facts, "error_rate_pct", "Error rate", "%", ("requests",), compute)


def weighted(facts: Facts, metric: str, label: str, unit: Unit, digits: int = 1) -> Figure:
    return metric_figure(
        facts,
        metric,
        label,
        unit,
        (metric,),
        lambda points, days: points.weighted(metric, "requests", days),
        digits,
    )


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "ongoing"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours < 48 else f"{hours // 24} d {hours % 24} h"


def episode_table(episodes: list[AlertEpisode], facts: Facts) -> Table:
    """Every episode that overlapped the period, oldest first, in local time."""
    zone = facts.period.zone
    rows = []
    for e in sorted(episodes, key=lambda e: e.started_at):
        end = e.ended_at.astimezone(zone).strftime("%a %d %b %H:%M") if e.ended_at else "-"
        rows.append(
            [
                e.rule,
                e.severity,
                e.started_at.astimezone(zone).strftime("%a %d %b %H:%M"),
                end,
                duration(e.duration_s),
                "open" if e.open else f"resolved{f' ({e.resolution})' if e.resolution else ''}",
                (e.message or "")[:120],
            ]
        )
    return Table(
        columns=["Rule", "Severity", "Start", "End", "Duration", "State", "Message"], rows=rows
    )


def count_figure(facts: Facts, key: str, label: str, configured: bool, what: str) -> Figure:
    """A configured count source (`[reports.*]`): current and previous counts."""
    if not configured:
        return Figure.of(key, label, "count", None, missing=f"no source configured ({what})")
    current, previous = facts.counts.get(f"{key}:current"), facts.counts.get(f"{key}:previous")
    return Figure.of(
        key,
        label,
        "count",
        current,
        previous,
        missing=f"no data: the table of {what} or its column does not exist",
    )


def satisfaction(facts: Facts, configured: bool) -> Figure:
    label = "Customer satisfaction"
    if not configured:
        what = "[reports.satisfaction]"
        return Figure.of(
            "satisfaction_pct", label, "%", None, missing=f"no source configured ({what})"
        )

    def pct(which: str) -> float | None:
        total_ = facts.counts.get(f"satisfaction_total:{which}")
        positive = facts.counts.get(f"satisfaction_positive:{which}")
        return 100 * positive / total_ if total_ and positive is not None else None

    return Figure.of(
        "satisfaction_pct",
        label,
        "%",
        pct("current"),
        pct("previous"),
        missing="no data: no feedback in the period",
    )


def retention(facts: Facts, configured: bool) -> Figure:
    label = "User retention"
    if not configured:
        what = "[reports.activity]"
        return Figure.of(
            "retention_pct", label, "%", None, missing=f"no source configured ({what})"
        )

    def pct(which: str) -> float | None:
        found = facts.retention.get(which)
        return 100 * found["retained"] / found["previous"] if found and found["previous"] else None

    return Figure.of(
        "retention_pct",
        label,
        "%",
        pct("current"),
        pct("previous"),
        missing="no data: no activity in the period before (or the table does not exist)",
        note="share of workshops active in the period before that were active again",
    )
