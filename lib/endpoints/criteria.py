"""GET /api/criteria: success criteria and threshold lines the dashboard draws (HEALTH_TOKEN)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel

from lib.alerts.rules import build_rules
from lib.alerts.rules.traffic import GOOD_P75
from lib.core.errors import ConfigError
from lib.core.http import Request, Response, json_response, require_token
from lib.core.monitor_config import MonitorConfig, load_monitor_config
from lib.metrics import METRICS
from lib.reports.criteria import CRITERIA

# A criterion judged from another daily metric when its own has no data: the response time of
# real traffic (Vercel drains) first, the probes' average without a drain.
FALLBACKS: dict[str, tuple[str, ...]] = {"response_avg_ms": ("avg_response_ms",)}
# The /api/traffic `totals` field (lib/drains/query.WindowStats) showing the same criterion live.
TRAFFIC_TOTALS: dict[str, str] = {"response_avg_ms": "avg_ms", "error_rate_pct": "error_rate_pct"}
OPERATORS: dict[Callable[[float, float], bool], Literal[">", "<"]] = {
    operator.gt: ">",
    operator.lt: "<",
}


def _same(threshold: float) -> float:
    return threshold


def _any_failure(_threshold: float) -> float:
    return 100.0  # build_failed fires on one failed build: anything below 100 % is an alert


# A daily metric without a criterion → the alert rule judging it and its line from the rule's
# configured threshold (web vitals: web.dev's "good" p75 × the threshold).
RULE_LINES: dict[str, tuple[str, Callable[[float], float]]] = {
    "email_bounce_pct": ("email_bounce_rate", _same),
    "db_storage_pct": ("database_storage", _same),
    "db_backup_age_h": ("backup_stale", _same),
    "build_success_pct": ("build_failed", _any_failure),
    **{
        metric: ("web_vitals", lambda threshold, good=good: round(good * threshold, 6))
        for metric, good in GOOD_P75.values()
    },
}


class CriterionView(BaseModel):
    """One success criterion of the guide: `metrics` in the order the dashboard tries them."""

    key: str
    label: str
    op: Literal[">", "<"]
    target: float
    target_text: str
    unit: str
    metrics: list[str]
    traffic_total: str | None


class CriteriaBody(BaseModel):
    timezone: str
    criteria: list[CriterionView]
    thresholds: dict[str, float]


def criteria_views() -> list[CriterionView]:
    return [
        CriterionView(
            key=key,
            label=label,
            op=OPERATORS[compare],
            target=target,
            target_text=shown,
            unit=METRICS[key],
            metrics=[key, *FALLBACKS.get(key, ())],
            traffic_total=TRAFFIC_TOTALS.get(key),
        )
        for key, label, compare, target, shown in CRITERIA
    ]


def threshold_lines(config: MonitorConfig) -> dict[str, float]:
    """Metric → its line: a criterion's target, else its enabled rule's configured threshold."""
    lines = {m: float(c.target) for c in criteria_views() for m in c.metrics}
    rules = {rule.name: rule for rule in build_rules(config)}
    for metric, (name, line) in RULE_LINES.items():
        if metric not in lines and name in rules:
            lines[metric] = line(rules[name].threshold)
    return lines


def criteria_response(request: Request) -> Response:
    require_token(request)
    try:
        config = load_monitor_config(request.settings)
        lines = threshold_lines(config)
    except ConfigError:
        # As the alert engine does: an invalid monitoring.toml means the built-in defaults (the
        # doctor and config_invalid report the file).
        lines = threshold_lines(MonitorConfig())
    body = CriteriaBody(
        timezone=request.settings.metrics_timezone.key,
        criteria=criteria_views(),
        thresholds=lines,
    )
    return json_response(body)
