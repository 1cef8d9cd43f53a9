"""The guide's success criteria, judged on a period's figures: met, missed or no data."""

from __future__ import annotations

import operator
from collections.abc import Callable

from lib.reports.model import Criterion, Figure

# key of the figure, label, comparison, target, target shown
CRITERIA: tuple[tuple[str, str, Callable[[float, float], bool], float, str], ...] = (
    ("uptime_pct", "Uptime", operator.gt, 99.9, "> 99.9 %"),
    ("response_avg_ms", "Response time", operator.lt, 500, "< 500 ms"),
    ("error_rate_pct", "Error rate", operator.lt, 1.0, "< 1 %"),
    ("lead_conversion_pct", "Lead conversion", operator.gt, 15.0, "> 15 %"),
    ("payment_success_pct", "Payment success", operator.gt, 95.0, "> 95 %"),
    ("email_delivery_pct", "E-mail delivery", operator.gt, 98.0, "> 98 %"),
)
# Judged only when their source is configured.
OPTIONAL = (
    ("retention_pct", "User retention", operator.gt, 80.0, "> 80 %"),
    ("satisfaction_pct", "Customer satisfaction", operator.gt, 90.0, "> 90 %"),
)


def judge(figures: dict[str, Figure], configured: set[str]) -> list[Criterion]:
    """Every criterion (optional ones when configured) against the period's figure."""
    out = []
    for key, label, compare, target, shown in (
        *CRITERIA,
        *(c for c in OPTIONAL if c[0] in configured),
    ):
        figure = figures.get(key)
        value = figure.value if figure else None
        out.append(
            Criterion(
                key=key,
                label=label,
                target=shown,
                value=value,
                unit=figure.unit if figure else "%",
                met=None if value is None else compare(value, target),
                missing=(figure.missing if figure else "no data") if value is None else None,
            )
        )
    return out


def headline(criteria: list[Criterion]) -> str:
    """ "5 of 6 criteria met" (+ how many had no data)."""
    judged = [c for c in criteria if c.met is not None]
    met = sum(1 for c in judged if c.met)
    text = f"{met} of {len(judged)} criteria met"
    unknown = len(criteria) - len(judged)
    return text + (f", {unknown} without data" if unknown else "")
