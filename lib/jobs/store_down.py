"""The store is unreachable: probe anyway and notify every channel directly, once per window.

In production the store is CarBot's own database, so its outage is the one the alert engine
cannot see (it keeps its state in that database). The health check then sends straight through
the notifiers: only the first scheduled run of each 30-minute clock window sends, and the message
id (Resend's `Idempotency-Key`, and the webhook's header) is derived from rule and window, so
overlapping or repeated deliveries of that run collapse into one message per channel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from lib.alerts.config_state import load_rules
from lib.alerts.outage import RULE, WINDOW, sends_in_window, window_start
from lib.alerts.rules.monitor import StoreUnreachable
from lib.core.config import Settings
from lib.core.log import log
from lib.notify import Notification, Notifier, NotifyError, accepts, configured_notifiers
from lib.notify.message import format_duration, format_time
from lib.probes import Level, ProbeResult
from lib.probes.health import service_word


class StoreDownReport(BaseModel):
    """What a run without its store did: the probes it ran and the direct notification."""

    checked: dict[str, str]
    window: datetime
    sent: list[str] = []
    errors: list[str] = []
    skipped: str | None = None  # why nothing was sent this run


def message_id(now: datetime) -> str:
    """One id per window: every run of the window would send the very same message."""
    return f"{RULE}-{window_start(now):%Y%m%dT%H%MZ}"


def store_down_notification(
    settings: Settings, now: datetime, reason: str, results: Mapping[str, ProbeResult]
) -> Notification:
    # Everything in the message is the window's, not the run's: a repeat of the same key with
    # another payload would be refused by Resend (409) rather than deduplicated.
    start = window_start(now)
    probes = ", ".join(
        f"{name} {service_word(name, r.level)}"
        for name, r in results.items()
        if r.level != Level.NOT_CONFIGURED
    )
    message = (
        f"database unreachable since at least {format_time(start)} ({reason}); the monitor cannot "
        f"record checks. Live probes: {probes or 'none configured'}. Repeated every "
        f"{format_duration(WINDOW.total_seconds())} while it lasts; the resolution follows once "
        "the store answers again."
    )
    return Notification(
        id=message_id(now),
        rule=RULE,
        title=StoreUnreachable.title,
        event="firing",
        severity="critical",
        message=message,
        value=None,
        threshold=0.0,
        unit="",
        since=start,
        at=start,
        environment=settings.vercel_env,
    )


def notify_store_down(
    settings: Settings,
    now: datetime,
    reason: str,
    *,
    results: Mapping[str, ProbeResult] | None = None,
    notifiers: Sequence[Notifier] | None = None,
) -> StoreDownReport:
    """Probe, then (first run of the window, no maintenance) send to every channel; never raises."""
    if results is None:
        from lib.probes.health import evaluate

        _, results = evaluate(settings)
    report = StoreDownReport(
        checked={name: r.level.value for name, r in results.items()}, window=window_start(now)
    )
    loaded = load_rules(settings)
    every = timedelta(minutes=settings.health_check_every_min)
    maintenance = loaded.config.active_maintenance(now)
    if not any(rule.name == RULE for rule in loaded.rules):
        report.skipped = f"rule {RULE} is disabled"
    elif maintenance is not None:
        report.skipped = f"maintenance: {maintenance.reason}"
    elif not sends_in_window(now, every):
        report.skipped = "sent by the first run of this window"
    notification = store_down_notification(settings, now, reason, results)
    channels = configured_notifiers(settings) if notifiers is None else notifiers
    channels = [n for n in channels if accepts(n, notification)]
    if report.skipped is None and not channels:
        report.skipped = "no notifier configured"
    if report.skipped is not None:
        return report
    for notifier in channels:
        try:
            notifier.send(notification)
        except NotifyError as error:
            report.errors.append(f"{notifier.name}: {error.reason}")
            log.warning("store-down notification %s failed: %s", notifier.name, error.reason)
        else:
            report.sent.append(notifier.name)
    return report


def store_down_summary(settings: Settings, now: datetime, reason: str) -> dict[str, Any]:
    """The cron plumbing's hook: the direct notification's report as part of the 503 body."""
    return {"store_down": notify_store_down(settings, now, reason).model_dump(mode="json")}
