"""The scheduled checks: probe, record one row per service, evaluate the rules, notify, prune."""

from __future__ import annotations

import ssl
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from lib.alerts.engine import Engine, RunReport
from lib.alerts.maintenance import maintenance_state
from lib.alerts.rules import BaseRule, RuleContext, build_rules, disabled_rules, observe_all
from lib.config import Settings
from lib.http import Request
from lib.monitor_config import MonitorConfig, load_monitor_config
from lib.notify import Notifier, configured_notifiers
from lib.probes import Level, ProbeResult
from lib.store import Store

JOB = "health_check"
KEEP_CHECKS = timedelta(days=90)


def check_rows(results: Mapping[str, ProbeResult], now: datetime) -> list[dict[str, Any]]:
    """One row per configured service; `not_configured` services are not recorded."""
    return [
        {
            "service": name,
            "status": result.level.value,
            "latency_ms": result.latency_ms,
            "reason": result.reason[:200] if result.reason else None,
            "checked_at": now,
        }
        for name, result in results.items()
        if result.level != Level.NOT_CONFIGURED
    ]


def evaluate_alerts(
    store: Store,
    settings: Settings,
    now: datetime,
    *,
    daily_only: bool = False,
    current_job: str | None = None,
    notifiers: Sequence[Notifier] | None = None,
    ssl_context: ssl.SSLContext | None = None,
    config: MonitorConfig | None = None,
    rules: Sequence[BaseRule] | None = None,
) -> RunReport:
    """Observe the enabled rules, apply them to the alert rows, deliver notifications.

    `config` and its `rules` (build_rules(config)) are loaded here unless the caller has them.
    """
    if config is None:
        config = load_monitor_config(settings)
    if rules is None:
        rules = build_rules(config)
    rules = [r for r in rules if r.daily or not daily_only]
    ctx = RuleContext(store, settings, now, current_job=current_job, ssl_context=ssl_context)
    observations = observe_all(rules, ctx)
    engine = Engine(
        store,
        configured_notifiers(settings) if notifiers is None else notifiers,
        now,
        maintenance_state(config, now),
        environment=settings.vercel_env,
    )
    return engine.run(observations, disabled_rules(config))


def evaluate_daily_rules(
    store: Store,
    settings: Settings,
    now: datetime,
    *,
    current_job: str = "daily_metrics",
    notifiers: Sequence[Notifier] | None = None,
) -> dict[str, Any]:
    """For the daily metrics cron, right after it stored yesterday's metrics."""
    report = evaluate_alerts(
        store, settings, now, daily_only=True, current_job=current_job, notifiers=notifiers
    )
    return report.model_dump(mode="json")


def check_and_alert(
    store: Store,
    settings: Settings,
    now: datetime,
    *,
    results: Mapping[str, ProbeResult] | None = None,
    notifiers: Sequence[Notifier] | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> dict[str, Any]:
    """The whole health check run; `results` lets tests replay probe outcomes at any clock."""
    config = load_monitor_config(settings)
    rules = build_rules(config)  # a bad monitoring.toml fails before probing
    if results is None:
        from lib.health import evaluate

        _, results = evaluate(settings)
    recorded = store.record_checks(check_rows(results, now))
    report = evaluate_alerts(
        store,
        settings,
        now,
        current_job=JOB,
        notifiers=notifiers,
        ssl_context=ssl_context,
        config=config,
        rules=rules,
    )
    pruned = store.prune_checks(now - KEEP_CHECKS)
    return {
        "checked": {name: r.level.value for name, r in results.items()},
        "recorded": recorded,
        "pruned": pruned,
        **report.model_dump(mode="json"),
    }


def run_health_check(request: Request, store: Store) -> dict[str, Any]:
    """The cron job behind /api/cron/health_check."""
    return check_and_alert(store, request.settings, datetime.now(UTC))
