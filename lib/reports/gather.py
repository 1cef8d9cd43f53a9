"""Data gathering: every fact a report needs, one store round trip per kind of fact."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lib.core.config import Settings
from lib.core.errors import SourceError
from lib.core.monitor_config import MonitorConfig, TableSource
from lib.drains import visitors
from lib.reports import store as report_store
from lib.reports.figures import Points
from lib.reports.history import AlertEpisode, alert_episodes
from lib.reports.periods import Period
from lib.reports.rollups import raw_checks_cover, rollup_uptime
from lib.reports.stripe import Mrr, failure_codes, mrr
from lib.store import Store

CUSTOM_EVENTS_SHOWN = 15  # the monthly report's feature usage: the most used custom events


@dataclass
class Facts:
    """What the store (and Stripe) know about a period and the period before it."""

    period: Period
    previous: Period
    points: Points
    # "current" / "previous": overall probe uptime, from the raw checks or (pruned) the rollups
    uptime: dict[str, dict[str, Any] | None]
    episodes: list[AlertEpisode]
    counts: dict[str, int | None]  # "<source>:current" / "<source>:previous"
    retention: dict[str, dict[str, int] | None]
    cron: dict[str, dict[str, int]]
    failure_codes: Counter[str] | None = None
    mrr: Mrr | None = None
    domain_status: str | None = None  # RESEND_DOMAIN's status at build time
    missing: dict[str, str] = field(default_factory=dict)  # source → why it is absent
    # Monthly: custom events by name (Web Analytics drain); None without analytics data.
    custom_events: list[tuple[str, int]] | None = None
    store_calls: int = 0


def _count(key: str, source: TableSource, period: Period, **extra: str | None) -> dict[str, Any]:
    return {
        "key": key,
        "table": source.table,
        "column": source.column,
        "filter_column": extra.get("filter_column", source.filter_column),
        "filter_value": extra.get("filter_value", source.filter_value),
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
    }


def count_requests(config: MonitorConfig, periods: dict[str, Period]) -> list[dict[str, Any]]:
    """Every configured count source over each period, for one monitoring_report_counts call."""
    sources = config.reports
    wanted: list[dict[str, Any]] = []
    for name, period in periods.items():
        if sources.support_tickets is not None:
            wanted.append(_count(f"support_tickets:{name}", sources.support_tickets, period))
        if sources.satisfaction is not None:
            s = sources.satisfaction
            wanted.append(_count(f"satisfaction_total:{name}", s, period))
            wanted.append(
                _count(
                    f"satisfaction_positive:{name}",
                    s,
                    period,
                    filter_column=s.positive_column,
                    filter_value=s.positive_value,
                )
            )
        for feature, source in sources.feature_usage.items():
            wanted.append(_count(f"feature:{feature}:{name}", source, period))
    return wanted


def gather(
    store: Store,
    settings: Settings,
    config: MonitorConfig,
    period: Period,
    *,
    live: bool = True,
    now: datetime | None = None,
) -> Facts:
    """Read the period and the one before (for changes); `live` also asks Stripe."""
    now = now or datetime.now(UTC)
    previous = period.previous()
    calls = 0
    points = report_store.daily_metrics(store, previous.first, period.last)
    windows = [
        {"key": "current", "from": period.start, "to": period.end},
        {"key": "previous", "from": previous.start, "to": previous.end},
    ]
    raw = report_store.probe_uptime(store, windows)
    uptime: dict[str, dict[str, Any] | None] = {}
    for key, which in (("current", period), ("previous", previous)):
        # Raw checks when all of them are kept; once some are pruned the whole period comes
        # from the daily rollups: one source for every day, none counted from half its checks.
        covered = raw_checks_cover(which, now)
        uptime[key] = raw.get(key) if covered else rollup_uptime(points, which)
    episodes = alert_episodes(store, period.start, period.end)
    calls += 3
    cron: dict[str, dict[str, int]] = {}
    custom_events = None
    if period.kind == "monthly":  # the technical-debt section only
        cron = report_store.cron_runs(store, period.start, period.end)
        found = visitors.window(store, period.start, period.end, CUSTOM_EVENTS_SHOWN)
        custom_events = [(r.key, r.count) for r in found.top["event"]] if found.first else None
        calls += 2
    requests = count_requests(config, {"current": period, "previous": previous})
    counts: dict[str, int | None] = {}
    if requests:
        counts = report_store.table_counts(store, requests)
        calls += 1
    retention: dict[str, dict[str, int] | None] = {}
    activity = config.reports.activity
    if activity is not None:
        for name, (before, now) in {
            "current": (previous, period),
            "previous": (previous.previous(), previous),
        }.items():
            retention[name] = report_store.activity_retention(
                store,
                activity.table,
                activity.id_column,
                activity.column,
                before.start,
                now.start,
                now.end,
            )
            calls += 1
    facts = Facts(
        period=period,
        previous=previous,
        points=points,
        uptime=uptime,
        episodes=episodes,
        counts=counts,
        retention=retention,
        cron=cron,
        custom_events=custom_events,
        store_calls=calls,
    )
    if live:
        _read_stripe(facts, settings)
        _read_domain(facts, settings)
    return facts


def _read_domain(facts: Facts, settings: Settings) -> None:
    """RESEND_DOMAIN's verification status (first page of `GET /domains`), when bounces matter."""
    if settings.resend_api_key is None or settings.resend_domain is None:
        return
    if not facts.points.total("emails_bounced", facts.period.days):
        return
    import httpx

    from lib.core import tls

    url = str(settings.resend_api_url).rstrip("/") + "/domains"
    headers = {"Authorization": f"Bearer {settings.resend_api_key.get_secret_value()}"}
    try:
        response = httpx.get(
            url, params={"limit": "100"}, headers=headers, timeout=5.0, verify=tls.ssl_context()
        )
        response.raise_for_status()
        domains = {d.get("name", "").lower(): d.get("status") for d in response.json()["data"]}
    except (httpx.HTTPError, ValueError, KeyError, TypeError, AttributeError):
        facts.missing["resend"] = "Resend domains unavailable"
        return
    wanted = settings.resend_domain.lower()
    facts.domain_status = f"{wanted} {domains.get(wanted) or 'not found'}"


def _read_stripe(facts: Facts, settings: Settings) -> None:
    failed = facts.points.total("payments_failed", facts.period.days)
    try:
        if facts.period.kind == "monthly":
            facts.mrr = mrr(settings)
        if failed:
            facts.failure_codes = failure_codes(settings, facts.period.start, facts.period.end)
    except SourceError as error:
        facts.missing["stripe"] = error.reason
