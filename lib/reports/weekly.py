"""The weekly health report on the guide's template (SPEC §7)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from lib.core.monitor_config import MonitorConfig
from lib.reports import common as c
from lib.reports.criteria import headline, judge
from lib.reports.gather import Facts
from lib.reports.model import Figure, Report, Section
from lib.reports.recommendations import recommend
from lib.reports.response import response_section

VITALS = (
    ("web_vitals_lcp_p75_ms", "LCP p75", "ms"),
    ("web_vitals_inp_p75_ms", "INP p75", "ms"),
    ("web_vitals_cls_p75", "CLS p75", ""),
)


def key_metrics(facts: Facts, config: MonitorConfig) -> list[Figure]:
    figures = [c.uptime_figure(facts)]
    if facts.points.covered("requests", facts.period.days):
        figures.append(c.traffic_availability(facts))
    if facts.points.covered("page_views", facts.period.days):  # Vercel Web Analytics
        figures += [
            c.total(facts, "page_views", "Page views"),
            c.total(facts, "unique_visitors", "Visitors (daily uniques, summed)"),
            c.total(facts, "sessions", "Sessions"),
        ]
    figures += [
        c.total(facts, "registrations", "New registrations"),
        c.total(facts, "leads", "Leads generated"),
        c.total(facts, "revenue_cents", "Revenue", "EUR", scale=0.01),
        c.count_figure(
            facts,
            "support_tickets",
            "Support tickets",
            config.reports.support_tickets is not None,
            "[reports.support_tickets]",
        ),
    ]
    return figures


def performance(facts: Facts) -> list[Figure]:
    figures = [
        c.weighted(facts, "response_avg_ms", "Average response time", "ms"),
        c.error_rate(facts),
    ]
    for metric, label, unit in VITALS:
        figures.append(
            c.metric_figure(
                facts,
                metric,
                label,
                unit,  # type: ignore[arg-type]
                (metric,),
                lambda points, days, m=metric: points.mean(m, days),
                3 if unit == "" else 0,
            )
        )
    return figures


def business(facts: Facts, config: MonitorConfig) -> list[Figure]:
    figures = [
        c.ratio(facts, "lead_conversion_pct", "Lead conversion", "leads", ("chat_conversations",)),
        c.ratio(
            facts,
            "payment_success_pct",
            "Payment success",
            "payments_succeeded",
            ("payments_succeeded", "payments_failed"),
        ),
        c.ratio(
            facts, "email_delivery_pct", "E-mail delivery", "emails_delivered", ("emails_sent",)
        ),
        c.ratio(
            facts, "email_bounce_pct", "E-mail bounce rate", "emails_bounced", ("emails_sent",)
        ),
        c.total(facts, "openai_cost_usd", "OpenAI cost", "USD"),
    ]
    if config.reports.activity is not None:
        figures.append(c.retention(facts, True))
    if config.reports.satisfaction is not None:
        figures.append(c.satisfaction(facts, True))
    return figures


def configured_optional(config: MonitorConfig) -> set[str]:
    found = set()
    if config.reports.activity is not None:
        found.add("retention_pct")
    if config.reports.satisfaction is not None:
        found.add("satisfaction_pct")
    return found


def assemble(
    kind: Literal["weekly", "monthly"],
    name: str,
    facts: Facts,
    config: MonitorConfig,
    sections: list[Section],
    now: datetime,
) -> Report:
    """The report around its sections: criteria judged on their figures, headline, advice."""
    period = facts.period
    figures = {f.key: f for s in sections for f in s.figures}
    criteria = judge(figures, configured_optional(config))
    head = headline(criteria)
    return Report(
        kind=kind,
        period=period.key,
        title=f"CarBot {name}, {period.title}",
        subject=f"CarBot {period.title}: {head}",
        headline=head,
        generated_at=now,
        timezone=period.zone.key,
        first_day=period.first,
        last_day=period.last,
        previous_period=facts.previous.key,
        criteria=criteria,
        sections=sections,
        recommendations=recommend(facts, figures, criteria),
        missing=sorted(f"{k}: {v}" for k, v in facts.missing.items()),
    )


def build_weekly(facts: Facts, config: MonitorConfig, now: datetime) -> Report:
    period = facts.period
    sections = [
        Section(id="key_metrics", title="Key Metrics", figures=key_metrics(facts, config)),
        Section(id="performance", title="Performance", figures=performance(facts)),
        Section(id="business", title="Business Health", figures=business(facts, config)),
    ]
    currencies = facts.points.currencies(period.days)
    if currencies:
        sections[0].lines.append(
            "Revenue in other currencies: "
            + ", ".join(f"{amount:,.2f} {cur}" for cur, amount in currencies.items())
        )
    issues = Section(id="issues", title="Issues & Resolutions")
    if facts.episodes:
        issues.table = c.episode_table(facts.episodes, facts)
        open_ = sum(1 for e in facts.episodes if e.open)
        issues.lines.append(
            f"{len(facts.episodes)} alert episodes overlapped the week; {open_} still open."
        )
    else:
        issues.lines.append("No alert fired during the week.")
    sections.append(issues)
    sections.append(response_section(facts.episodes, now))
    return assemble("weekly", "Weekly Health Report", facts, config, sections, now)
