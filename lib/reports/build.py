"""Build one report: gather the period's facts, then the weekly or monthly form."""

from __future__ import annotations

from datetime import datetime

from lib.core.config import Settings
from lib.core.errors import StoreError
from lib.core.monitor_config import MonitorConfig
from lib.reports.gather import Facts, gather
from lib.reports.model import Report
from lib.reports.monthly import build_monthly
from lib.reports.periods import Period
from lib.reports.postmortems import add_postmortems
from lib.reports.weekly import build_weekly
from lib.store import Store


def build_from(
    facts: Facts,
    config: MonitorConfig,
    now: datetime,
    store: Store,
    settings: Settings | None = None,
) -> Report:
    if facts.period.kind == "weekly":
        report = build_weekly(facts, config, now)
    else:
        try:
            slow = store.database_stats().slow_queries
        except StoreError:
            slow = None
        report = build_monthly(facts, config, now, slow, settings)
    add_postmortems(report, store, facts.period)  # incidents written by people (issue 26)
    return report


def build_report(
    store: Store,
    settings: Settings,
    config: MonitorConfig,
    period: Period,
    now: datetime,
    *,
    live: bool = True,
) -> Report:
    """The report of a period that has ended; `live` also reads Stripe and Resend."""
    facts = gather(store, settings, config, period, live=live, now=now)
    return build_from(facts, config, now, store, settings)
