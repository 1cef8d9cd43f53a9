"""GET /api/cron/health_check: probe, record a row per service, evaluate the rules, notify."""

from __future__ import annotations

import ssl
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from lib.alerts.evaluate import evaluate_alerts
from lib.alerts.rules import build_rules
from lib.core.config import Settings
from lib.core.http import Request
from lib.core.monitor_config import load_monitor_config
from lib.notify import Notifier
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
        from lib.probes.health import evaluate

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
    store.prune_notifications(now - KEEP_CHECKS)  # delivery rows of long-resolved alerts
    return {
        "checked": {name: r.level.value for name, r in results.items()},
        "recorded": recorded,
        "pruned": pruned,
        **report.model_dump(mode="json"),
    }


def run_health_check(request: Request, store: Store) -> dict[str, Any]:
    """The cron job behind /api/cron/health_check."""
    return check_and_alert(store, request.settings, datetime.now(UTC))
