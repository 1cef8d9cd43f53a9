"""GET /api/cron/health_check: probe, record a row per service, evaluate the rules, notify."""

from __future__ import annotations

import ssl
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from lib.alerts.config_state import load_rules
from lib.alerts.evaluate import evaluate_alerts
from lib.alerts.outage import record_store_outage
from lib.alerts.rules.monitor import StoreUnreachable
from lib.core.config import Settings
from lib.core.http import Request
from lib.drains.retention import prune_minute_buckets
from lib.jobs import cron_endpoint
from lib.metrics.history import CHECKS_KEPT
from lib.notify import Notifier
from lib.probes import Level, ProbeResult
from lib.providers.refresh import Refresh, start_refresh
from lib.status.run import communicate
from lib.store import Store, StoreError

JOB = "health_check"
KEEP_CHECKS = CHECKS_KEPT  # lib/metrics/history.py: the daily metrics skip what is pruned


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
    # An invalid monitoring.toml: the built-in defaults, and config_invalid says why.
    config, rules, problem = load_rules(settings)
    # Provider status pages are read while the probes run, within their own budget.
    refresh = start_refresh(store, config, now, enabled=settings.provider_status)
    if results is None:
        from lib.probes.health import evaluate

        _, results = evaluate(settings)
    # Back after an outage? Record the gap as an episode, so the state machine resolves it.
    every = timedelta(minutes=settings.health_check_every_min)
    watching = any(rule.name == StoreUnreachable.name for rule in rules)
    outage = record_store_outage(store, now, every, config) if watching else None
    providers = refresh.finish(store) if isinstance(refresh, Refresh) else refresh
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
    status = communicate(store, settings, now, config)  # drafts; subscriber mails (lib/status)
    pruned = store.prune_checks(now - KEEP_CHECKS)
    store.prune_notifications(now - KEEP_CHECKS)  # delivery rows of long-resolved alerts
    prune_minute_buckets(store, config, now)
    return {
        "checked": {name: r.level.value for name, r in results.items()},
        "recorded": recorded,
        "pruned": pruned,
        "providers": providers,
        **report.model_dump(mode="json"),
        "config_problem": problem,
        "outage_recorded": outage is not None,
        "status": status,
    }


def run_health_check(request: Request, store: Store) -> dict[str, Any]:
    """The cron job behind /api/cron/health_check."""
    return check_and_alert(store, request.settings, datetime.now(UTC))


def health_check_without_store(request: Request, error: StoreError) -> dict[str, Any]:
    """The store is unreachable: probe and notify every channel directly (lib/jobs/store_down)."""
    from lib.jobs.store_down import store_down_summary

    return store_down_summary(request.settings, datetime.now(UTC), error.reason)


# GET /api/cron/health_check: with the store down it still probes and notifies; HEARTBEAT_URL
# hears of every run.
health_check_response = cron_endpoint(
    JOB, run_health_check, on_store_down=health_check_without_store, heartbeat=True
)
