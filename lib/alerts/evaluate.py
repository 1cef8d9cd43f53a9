"""One alert evaluation: observe the enabled rules, run the state machine, deliver notifications."""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from lib.alerts.ack_link import ack_url
from lib.alerts.config_state import load_rules
from lib.alerts.engine import Engine, RunReport
from lib.alerts.maintenance import maintenance_state
from lib.alerts.rules import BaseRule, RuleContext, build_rules, disabled_rules, observe_all
from lib.core.config import Settings
from lib.core.monitor_config import MonitorConfig
from lib.notify import Notifier, configured_notifiers
from lib.providers import ProviderIncident
from lib.providers.store import open_incidents
from lib.store import Store, StoreError


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

    `config` and its `rules` (build_rules(config)) are loaded here unless the caller has them;
    an invalid monitoring.toml gives the built-in defaults and fires config_invalid.
    """
    if config is None:
        config, rules, _ = load_rules(settings)
    if rules is None:
        rules = build_rules(config)
    rules = [r for r in rules if r.daily or not daily_only]
    ctx = RuleContext(
        store, settings, now, current_job=current_job, ssl_context=ssl_context, config=config
    )
    observations = observe_all(rules, ctx)
    engine = Engine(
        store,
        configured_notifiers(settings) if notifiers is None else notifiers,
        now,
        maintenance_state(config, now, store),
        environment=settings.vercel_env,
        incidents=_open_incidents(store),
        policy=config.escalation,
        ack_link=lambda key, since, at: ack_url(settings, key, since, at),
    )
    return engine.run(observations, disabled_rules(config))


def _open_incidents(store: Store) -> list[ProviderIncident]:
    """Provider incidents to name in notifications; without them alerts still go out."""
    try:
        return open_incidents(store)
    except StoreError:
        return []


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
