"""Recommendations as rules: a missed criterion or a fired alert → the guide's steps + evidence."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from lib.reports import format as fmt
from lib.reports.common import duration
from lib.reports.gather import Facts
from lib.reports.guide import PROCEDURES, RULE_PROCEDURES
from lib.reports.history import AlertEpisode
from lib.reports.model import Criterion, Figure, Recommendation

COST_JUMP_PCT = 50.0  # the guide's "high API costs" threshold, applied to the period's total


def _day(day: date) -> str:
    return day.strftime("%a %d %b")


def _worst_days(facts: Facts, metric: str, above: float, unit: str, top: int = 3) -> list[str]:
    values = facts.points.values(metric, facts.period.days)
    worst = sorted((v, d) for d, v in values.items() if v > above)[::-1][:top]
    return [f"{_day(d)}: {v:.1f} {unit}" for v, d in worst]


def _criterion_evidence(c: Criterion, facts: Facts, figures: dict[str, Figure]) -> list[str]:
    days = facts.period.days
    points = facts.points
    assert c.value is not None
    evidence = [f"{c.label} {fmt.number(c.value, c.unit)} (target {c.target})"]
    if c.key == "uptime_pct":
        found = facts.uptime.get("current") or {}
        if found.get("source") == "daily":  # raw checks pruned: the rollups keep no check count
            evidence.append(f"{found.get('failed') or 0} checks failed (daily rollups)")
        else:
            evidence.append(f"{found.get('failed', 0)} of {found.get('checks', 0)} checks failed")
    elif c.key == "response_avg_ms":
        evidence += [f"slowest day {d}" for d in _worst_days(facts, "response_avg_ms", 500, "ms")]
    elif c.key == "error_rate_pct":
        for metric, words in (("requests_5xx", "5xx responses"), ("function_crashes", "crashes")):
            if (n := points.total(metric, days)) is not None:
                evidence.append(f"{n:.0f} {words}")
        evidence += [f"worst day {d}" for d in _worst_days(facts, "error_rate_pct", 1, "%")]
        if failed := points.total("deployments_failed", days):
            evidence.append(f"{failed:.0f} failed deployments")
    elif c.key == "lead_conversion_pct":
        leads, chats = points.total("leads", days), points.total("chat_conversations", days)
        evidence.append(f"{leads or 0:.0f} leads from {chats or 0:.0f} chat conversations")
    elif c.key == "payment_success_pct":
        failed = points.total("payments_failed", days) or 0
        evidence.append(f"{failed:.0f} failed payments")
        if facts.failure_codes:
            top = ", ".join(f"{code} ×{n}" for code, n in facts.failure_codes.most_common(3))
            evidence.append(f"top Stripe failure_code: {top}")
        elif "stripe" in facts.missing:
            evidence.append(f"failure codes unavailable: {facts.missing['stripe']}")
        if hooks := points.total("stripe_webhook_failures", days):
            evidence.append(f"{hooks:.0f} events with failed webhook delivery")
    elif c.key == "email_delivery_pct":
        evidence += _email_evidence(facts)
    return evidence


def _email_evidence(facts: Facts) -> list[str]:
    days = facts.period.days
    out = []
    bounced = facts.points.total("emails_bounced", days)
    if bounced is not None:
        rate = facts.points.ratio("emails_bounced", ("emails_sent",), days)
        out.append(f"{bounced:.0f} bounces" + (f" ({rate:.1f} % of sent)" if rate else ""))
    if facts.domain_status is not None:
        out.append(f"sending domain: {facts.domain_status}")
    return out


def _episode_evidence(rule: str, episodes: list[AlertEpisode], facts: Facts) -> list[str]:
    longest = max(episodes, key=lambda e: e.duration_s or float("inf"))
    zone = facts.period.zone
    line = (
        f"{rule}: {len(episodes)} episode{'s' * (len(episodes) > 1)}, longest "
        f"{duration(longest.duration_s)} from {longest.started_at.astimezone(zone):%a %d %b %H:%M}"
    )
    if longest.value is not None:
        threshold = f" (threshold {longest.threshold:g})" if longest.threshold is not None else ""
        line += f", value {longest.value:g}{threshold}"
    evidence = [line]
    if rule == "openai_cost_increase":
        evidence += _cost_days(facts)
    elif rule == "email_bounce_rate":
        evidence += _email_evidence(facts)
    return evidence


def _cost_days(facts: Facts) -> list[str]:
    values = facts.points.values("openai_cost_usd", facts.period.days)
    top = sorted(values.items(), key=lambda kv: kv[1], reverse=True)[:3]
    return [f"{_day(d)}: ${v:.2f}" for d, v in top]


def recommend(
    facts: Facts, figures: dict[str, Figure], criteria: list[Criterion]
) -> list[Recommendation]:
    """One recommendation per guide procedure, with every trigger that led to it."""
    found: dict[str, Recommendation] = {}

    def add(procedure: str, rule: str, trigger: str, evidence: list[str]) -> None:
        title, steps = PROCEDURES[procedure]
        if procedure not in found:
            found[procedure] = Recommendation(
                rule=rule,
                title=title,
                trigger=trigger,
                procedure=procedure,
                steps=list(steps),
                evidence=[],
            )
        else:
            found[procedure].trigger += f"; {trigger}"
        found[procedure].evidence += [e for e in evidence if e not in found[procedure].evidence]

    by_criterion = {
        "uptime_pct": "site_down",
        "response_avg_ms": "performance",
        "error_rate_pct": "site_down",
        "lead_conversion_pct": "chat",
        "payment_success_pct": "payments",
        "email_delivery_pct": "email",
    }
    for c in criteria:
        if c.met is False and c.key in by_criterion:
            evidence = _criterion_evidence(c, facts, figures)
            add(by_criterion[c.key], c.key, f"{c.label} missed ({c.target})", evidence)
    grouped: dict[str, list[AlertEpisode]] = defaultdict(list)
    for episode in facts.episodes:
        grouped[episode.rule_name].append(episode)
    for rule, episodes in sorted(grouped.items()):
        procedure = RULE_PROCEDURES.get(rule)
        if procedure is not None:
            add(procedure, rule, f"alert {rule} fired", _episode_evidence(rule, episodes, facts))
    cost = figures.get("openai_cost_usd")
    if cost and cost.change_pct is not None and cost.change_pct > COST_JUMP_PCT:
        trigger = f"OpenAI cost +{cost.change_pct:.0f} % against the period before"
        add(
            "costs",
            "openai_cost_usd",
            trigger,
            [f"${cost.value:.2f} vs ${cost.previous:.2f}", *_cost_days(facts)],
        )
    return list(found.values())
