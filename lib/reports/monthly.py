"""The monthly business report: growth, retention, revenue, usage, satisfaction, costs, debt."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

from lib.core.config import Settings
from lib.core.monitor_config import MonitorConfig
from lib.core.safe_text import plain
from lib.metrics.forecast import CAPACITY_METRICS, FIT_DAYS, capacity, describe
from lib.reports import common as c
from lib.reports import money
from lib.reports.figures import Points
from lib.reports.gather import Facts
from lib.reports.model import Figure, Report, Section, Table
from lib.reports.response import response_section
from lib.reports.weekly import assemble, business, performance


def _weeks(days: list[date]) -> dict[str, list[date]]:
    weeks: dict[str, list[date]] = {}
    for day in days:
        iso = day.isocalendar()
        weeks.setdefault(f"{iso.year}-W{iso.week:02d}", []).append(day)
    return weeks


def user_growth(facts: Facts) -> Section:
    section = Section(id="user_growth", title="User Growth")
    section.figures.append(c.total(facts, "registrations", "New registrations"))
    rows = []
    for week, days in _weeks(facts.period.days).items():
        value = facts.points.total("registrations", days)
        shown = "no data" if value is None else f"{value:.0f}"
        rows.append([week, f"{days[0]:%d %b}–{days[-1]:%d %b}", shown])
    section.table = Table(columns=["Week", "Days", "Registrations"], rows=rows)
    return section


def revenue(facts: Facts) -> Section:
    section = Section(id="revenue", title="Revenue & Subscriptions")
    new = c.total(facts, "subscriptions_new", "New subscriptions")
    canceled = c.total(facts, "subscriptions_canceled", "Canceled subscriptions")
    section.figures += [*money.revenue_figures(facts), new, canceled]
    currencies = facts.points.currencies(facts.period.days)
    if currencies:
        section.lines.append(
            "Revenue in other currencies: "
            + ", ".join(f"{amount:,.2f} {cur}" for cur, amount in currencies.items())
        )
    section.lines += money.other_currency_lines(facts.points, facts.period.days)
    if facts.mrr is None:
        why = facts.missing.get("stripe", "no data: Stripe was not asked")
        section.figures.append(Figure.of("mrr_eur", "MRR", "EUR", None, missing=why))
        return section
    mrr = facts.mrr
    section.figures.append(
        Figure.of(
            "mrr_eur",
            "MRR (active subscriptions, per month)",
            "EUR",
            mrr.by_currency.get("EUR", 0.0),
            note="at build time: Stripe keeps no MRR history",
        )
    )
    section.figures.append(
        Figure.of("subscriptions_active", "Active subscriptions", "count", mrr.active)
    )
    others = {k: v for k, v in mrr.by_currency.items() if k != "EUR"}
    if others:
        section.lines.append(
            "MRR in other currencies: " + ", ".join(f"{v:,.2f} {k}" for k, v in others.items())
        )
    if canceled.value is not None and new.value is not None:
        # Active at the start of the month ≈ active now − new + canceled.
        at_start = mrr.active - new.value + canceled.value
        churn = 100 * canceled.value / at_start if at_start > 0 else None
        section.figures.append(
            Figure.of(
                "churn_pct",
                "Churn",
                "%",
                churn,
                missing="no data: no subscriptions at the start of the month",
                note="canceled ÷ active at the start of the month",
            )
        )
    return section


def features(facts: Facts, config: MonitorConfig) -> Section:
    section = Section(id="feature_usage", title="Feature Usage")
    for name in config.reports.feature_usage:
        key = f"feature:{name}"
        label = name.replace("_", " ").capitalize()
        section.figures.append(c.count_figure(facts, key, label, True, f"feature {name}"))
    events = facts.custom_events
    if events:  # CarBot's track() calls, from the Web Analytics drain
        total = sum(n for _, n in events)
        section.table = Table(
            columns=["Custom event", "Count", "Share of the events shown"],
            rows=[[plain(name, 100), f"{n:,}", f"{100 * n / total:.1f} %"] for name, n in events],
        )
    if not config.reports.feature_usage and not events:
        section.lines.append(
            "no source configured ([reports.feature_usage.<name>], or a Web Analytics drain "
            "for custom events)"
        )
    return section


def costs(facts: Facts) -> Section:
    per_conversation = c.metric_figure(
        facts,
        "cost_per_conversation_usd",
        "OpenAI cost per conversation",
        "USD",
        ("openai_cost_usd", "chat_conversations"),
        lambda points, days: points.ratio("openai_cost_usd", ("chat_conversations",), days, 1),
        digits=4,
    )
    figures = [
        c.total(facts, "openai_cost_usd", "OpenAI cost", "USD"),
        per_conversation,
        *money.token_figures(facts),
    ]
    lines = [
        *money.model_lines(facts.points, facts.period.days),
        *money.storage_lines(facts.points, facts.period.days),
    ]
    return Section(id="costs", title="Cost Analysis", figures=figures, lines=lines)


def _p95_trend(points: Points, days: list[date]) -> list[str]:
    metric = "response_p95_ms" if points.covered("response_p95_ms", days) else "p95_response_ms"
    source = "real traffic" if metric == "response_p95_ms" else "probes"
    out = []
    for week, week_days in _weeks(days).items():
        value = points.mean(metric, week_days)
        if value is not None:
            out.append(f"{week}: {value:.0f} ms")
    return (
        [f"p95 response time by week ({source}): " + ", ".join(out)]
        if out
        else ["p95 response time: no data"]
    )


def technical_debt(facts: Facts, slow_queries: list[dict] | None) -> Section:
    section = Section(id="technical_debt", title="Technical Debt")
    days = facts.period.days
    if slow_queries is None:
        section.lines.append("Slow queries: database statistics unavailable")
    elif slow_queries:
        section.lines.append(
            "Slow queries (mean > 2 s): "
            + "; ".join(
                f"{q['mean_ms']:.0f} ms × {q['calls']}: {q['query'][:60]}" for q in slow_queries[:5]
            )
        )
    else:
        section.lines.append("Slow queries (mean > 2 s): none (or pg_stat_statements absent)")
    section.figures.append(c.total(facts, "deployments_failed", "Failed builds"))
    section.lines += _p95_trend(facts.points, days)
    by_rule = Counter(e.rule_name for e in facts.episodes)
    if by_rule:
        section.table = Table(
            columns=["Rule", "Episodes"], rows=[[r, str(n)] for r, n in by_rule.most_common()]
        )
    else:
        section.lines.append("No alert fired during the month.")
    failures = {job: v["failures"] for job, v in facts.cron.items() if v["failures"]}
    if failures:
        section.lines.append(
            "Cron failures: " + ", ".join(f"{job} ×{n}" for job, n in sorted(failures.items()))
        )
    return section


def capacity_lines(facts: Facts, settings: Settings | None) -> list[str]:
    """The 28-day forecasts as of the month's end (lib/metrics/forecast.py), from its metrics."""
    if settings is None:
        return []
    today = facts.period.last + timedelta(days=1)
    days = [today - timedelta(days=k) for k in range(FIT_DAYS + 7, 0, -1)]
    series = {m: facts.points.values(m, days) for m in CAPACITY_METRICS}
    return ["Capacity: " + describe(f) for f in capacity(series, settings, today)]


def build_monthly(
    facts: Facts,
    config: MonitorConfig,
    now: datetime,
    slow_queries: list[dict] | None = None,
    settings: Settings | None = None,
) -> Report:
    retention = Section(
        id="retention",
        title="Retention",
        figures=[c.retention(facts, config.reports.activity is not None)],
    )
    leads = Section(
        id="lead_conversion",
        title="Lead Conversion",
        figures=[
            c.total(facts, "leads", "Leads"),
            c.total(facts, "chat_conversations", "Chat conversations"),
            *[f for f in business(facts, config) if f.key == "lead_conversion_pct"],
        ],
    )
    satisfaction = Section(
        id="satisfaction",
        title="Customer Satisfaction",
        figures=[c.satisfaction(facts, config.reports.satisfaction is not None)],
    )
    health = Section(
        id="health",
        title="System Health",
        figures=[c.uptime_figure(facts), *performance(facts)[:2], *business(facts, config)[1:3]],
        lines=capacity_lines(facts, settings),
    )
    # Incident response against the guide's targets (lib/reports/response.py).
    response = response_section(facts.episodes, now)
    health.figures += response.figures
    health.lines += response.lines
    health.table = response.table
    sections = [
        user_growth(facts),
        retention,
        revenue(facts),
        leads,
        features(facts, config),
        satisfaction,
        costs(facts),
        health,
        technical_debt(facts, slow_queries),
    ]
    return assemble("monthly", "Monthly Business Report", facts, config, sections, now)
