"""The alert rules (docs/alerts.md), one module per family, and their registry.

A new rule is a BaseRule subclass in its family's module plus one line in RULE_CLASSES.
"""

from __future__ import annotations

from collections.abc import Callable

from lib.alerts.rules.anomalies import ActivityMissing, Anomaly
from lib.alerts.rules.base import BaseRule, Observation, ObservedState, RuleContext, Severity
from lib.alerts.rules.business import EmailBounceRate, OpenAICostIncrease, PaymentFailureRate
from lib.alerts.rules.capacity import CapacityForecastRule
from lib.alerts.rules.checks import CheckDown, HeartbeatLate
from lib.alerts.rules.database import DatabaseConnectionErrors, DatabaseQueryTime, DatabaseStorage
from lib.alerts.rules.deployments import BudgetReached, BuildFailed, CertificateRenewalFailed
from lib.alerts.rules.disputes import DisputeRate
from lib.alerts.rules.monitor import ConfigInvalid, StoreUnreachable
from lib.alerts.rules.operations import CRON_JOBS, CronLate, TlsExpiry
from lib.alerts.rules.platform import BackupStale, SecurityAdvisor
from lib.alerts.rules.regression import DeploymentRegression
from lib.alerts.rules.security import (
    AbuseSuspected,
    ClientErrorRate,
    FailedLogins,
    RateLimitViolations,
    UnusualGeography,
)
from lib.alerts.rules.services import ServiceDown, ServiceUnresponsive
from lib.alerts.rules.traffic import (
    ErrorRate,
    FunctionCrashes,
    ResponseTime,
    TrafficSpike,
    WebVitals,
)
from lib.core.config_problems import KeyedConfigError
from lib.core.log import log
from lib.core.monitor_config import MonitorConfig, RuleOverride
from lib.store import StoreError

__all__ = ["BaseRule", "Observation", "ObservedState", "RuleContext", "Severity"]

# RuleOverride fields only some rules read (each rule lists its own in `options_taken`).
_RULE_OPTIONS = frozenset({"source", "jobs", "min_requests"})

RULE_CLASSES: tuple[type[BaseRule], ...] = (
    PaymentFailureRate,
    DatabaseConnectionErrors,
    ServiceUnresponsive,
    FailedLogins,
    OpenAICostIncrease,
    EmailBounceRate,
    DatabaseQueryTime,
    DatabaseStorage,
    CronLate,
    TlsExpiry,
    ServiceDown,
    StoreUnreachable,
    ConfigInvalid,
    BuildFailed,
    CertificateRenewalFailed,
    BudgetReached,
    DeploymentRegression,
    ErrorRate,
    ResponseTime,
    FunctionCrashes,
    TrafficSpike,
    WebVitals,
    BackupStale,
    SecurityAdvisor,
    Anomaly,
    ActivityMissing,
    DisputeRate,
    *(CheckDown, HeartbeatLate),  # synthetic checks and heartbeats (lib/checks)
    RateLimitViolations,
    ClientErrorRate,
    AbuseSuspected,
    UnusualGeography,
    CapacityForecastRule,
)
RULES_BY_NAME: dict[str, type[BaseRule]] = {cls.name: cls for cls in RULE_CLASSES}


def build_rules(config: MonitorConfig) -> list[BaseRule]:
    """Every enabled rule with its configured threshold and severity; bad overrides are errors."""
    unknown = sorted(set(config.alerts) - set(RULES_BY_NAME))
    if unknown:
        raise KeyedConfigError(
            ("alerts", unknown[0]),
            f"unknown alert rule; known: {', '.join(RULES_BY_NAME)}",
        )
    rules = []
    for cls in RULE_CLASSES:
        override = config.alerts.get(cls.name, RuleOverride())
        threshold = cls.default_threshold if override.threshold is None else override.threshold
        low, high = cls.threshold_range
        if not low < threshold <= high:
            bound = f"between {low:g} and {high:g}" if high != float("inf") else f"above {low:g}"
            raise KeyedConfigError(
                ("alerts", cls.name, "threshold"), f"must be {bound} {cls.unit}".rstrip()
            )
        for option in _RULE_OPTIONS - cls.options_taken:
            if getattr(override, option) is not None:
                raise KeyedConfigError(("alerts", cls.name, option), "this rule takes no " + option)
        for job, hours in (override.jobs or {}).items():
            if job not in CRON_JOBS:
                known = ", ".join(CRON_JOBS)
                raise KeyedConfigError(
                    ("alerts", cls.name, "jobs", job), f"unknown cron job; known: {known}"
                )
            if hours <= 0:
                raise KeyedConfigError(("alerts", cls.name, "jobs", job), "must be above 0 h")
        if override.enabled:
            severity = override.severity or cls.default_severity
            rules.append(cls(threshold=threshold, severity=severity, options=override))
    return rules


def disabled_rules(config: MonitorConfig) -> set[str]:
    return {name for name, override in config.alerts.items() if not override.enabled}


def observe_all(rules: list[BaseRule], ctx: RuleContext) -> list[Observation]:
    """Every rule's observations; a rule whose source fails is `unknown`, never a crash."""
    found: list[Observation] = []
    for rule in rules:
        found.extend(_observe_safely(rule, ctx))
    return found


def _observe_safely(rule: BaseRule, ctx: RuleContext) -> list[Observation]:
    observe: Callable[[RuleContext], list[Observation]] = rule.observe  # type: ignore[attr-defined]
    try:
        return observe(ctx)
    except StoreError as error:
        return [rule.observation("unknown", None, f"source unavailable: {error.reason}")]
    except Exception as error:  # noqa: BLE001 - one broken rule must not stop the others
        log.warning("alert rule %s failed: %s", rule.name, type(error).__name__)
        return [rule.observation("unknown", None, "unexpected error")]
