"""GET /api/cron/health_check: probe, record a row per service, evaluate the rules, notify.

The store is asked once per run (lib/store/run.py): one read of everything the rules need, one
write of the run's results (check rows, provider statuses, pruning), then only the compare-and-
sets of the transitions that happen. The rules read through a RunStore, which answers from that
read plus this run's own results, so nothing written is read back.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from lib.alerts.config_state import load_rules
from lib.alerts.evaluate import evaluate_alerts
from lib.alerts.outage import record_store_outage
from lib.alerts.rules import BaseRule
from lib.alerts.rules.anomalies import same_weekdays
from lib.alerts.rules.base import HOUR
from lib.alerts.rules.monitor import StoreUnreachable
from lib.alerts.rules.services import ServiceUnresponsive
from lib.checks.runner import run_due_checks
from lib.core.config import Settings
from lib.core.http import Request
from lib.core.monitor_config import MonitorConfig
from lib.jobs import cron_endpoint
from lib.metrics.history import CHECKS_KEPT
from lib.notify import Notifier
from lib.probes import Level, ProbeResult
from lib.providers import configured_providers
from lib.providers.refresh import Refresh, start_refresh, summary
from lib.status.run import LOOKBACK as STATUS_LOOKBACK
from lib.status.run import communicate
from lib.store import Store, StoreError
from lib.store.run import RunStore, merged_provider_statuses, read_for_run, write_run

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
    refresh = start_refresh(store, config, now, enabled=settings.provider_status, clear=False)
    if results is None:
        from lib.probes.health import evaluate

        _, results = evaluate(settings)
    # CarBot's own synthetic checks (lib/checks): rows `check:<name>`, written with the probes'.
    results = {**results, **run_due_checks(store, settings, config, now, ssl_context=ssl_context)}
    checks = check_rows(results, now)
    window = _checks_window(rules)
    days, events_since = _days(settings, config, rules, now), now - STATUS_LOOKBACK
    read = read_for_run(store, now, days, now - window, events_since)
    run_store = RunStore(store, read, now - window, checks, events_since, now)
    # Back after an outage? Record the gap as an episode, so the state machine resolves it.
    every = timedelta(minutes=settings.health_check_every_min)
    watching = any(rule.name == StoreUnreachable.name for rule in rules)
    outage = record_store_outage(run_store, now, every, config) if watching else None
    statuses: list[dict[str, Any]] | None = None
    providers = refresh
    if isinstance(refresh, Refresh):
        collected = refresh.collect()
        statuses = [s.model_dump(mode="json") for s in collected]
        providers = summary(collected)
    elif not (settings.provider_status and configured_providers(config)):
        statuses = []  # nothing to read: what earlier runs read must go
    written = write_run(
        store, checks, statuses, now - KEEP_CHECKS, now - timedelta(days=config.traffic.minute_days)
    )
    run_store.provider_statuses = merged_provider_statuses(read.provider_statuses, statuses)
    report = evaluate_alerts(
        run_store,
        settings,
        now,
        current_job=JOB,
        notifiers=notifiers,
        ssl_context=ssl_context,
        config=config,
        rules=rules,
    )
    status = communicate(run_store, settings, now, config)  # drafts; subscriber mails (lib/status)
    return {
        "checked": {name: r.level.value for name, r in results.items()},
        "recorded": written.recorded,
        "pruned": written.pruned,
        "providers": providers,
        **report.model_dump(mode="json"),
        "config_problem": problem,
        "outage_recorded": outage is not None,
        "status": status,
    }


def _checks_window(rules: Sequence[BaseRule]) -> timedelta:
    """How far back the run reads check rows: the longest streak window a rule looks at."""
    minutes = [r.threshold for r in rules if isinstance(r, ServiceUnresponsive)]
    return max([HOUR, *(timedelta(minutes=m) for m in minutes)])


def _days(
    settings: Settings, config: MonitorConfig, rules: Sequence[BaseRule], now: datetime
) -> list[date]:
    """The days whose metrics the daily rules read: yesterday, the day before, the same weekdays
    the anomaly rule compares with, and the days of the rules' series (dispute_rate's 30); another
    day is read when a rule asks for it."""
    yesterday = now.astimezone(settings.metrics_timezone).date() - timedelta(days=1)
    anomalies = config.anomalies
    weekdays = same_weekdays(yesterday, anomalies.weeks, anomalies.holiday_state)
    span = max((rule.series_days for rule in rules), default=0)
    series = {yesterday - timedelta(days=i) for i in range(span)}
    return sorted({yesterday, yesterday - timedelta(days=1), *weekdays, *series})


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
