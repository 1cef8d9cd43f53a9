"""The status summary: services, uptime windows, overall word and history from stored checks."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from lib.alerts.maintenance import current_maintenance
from lib.core.config import SERVICES, Settings
from lib.core.status_words import PAGE_DESCRIPTIONS, PAGE_SERVICE, Level, page_word
from lib.endpoints.status_model import (
    WINDOWS,
    DaySeries,
    History,
    Incident,
    Maintenance,
    OverallWord,
    PastIncident,
    PerWindow,
    ServiceStatus,
    ServiceWord,
    StatusBody,
)
from lib.status.store import status_page
from lib.store import Store

HISTORY_DAYS = 90
# A service whose last stored check is older than this is `unknown` (the scheduled checks stopped).
# 26 h, as for a late daily cron: on Vercel's Hobby plan the health check runs only once a day.
STALE_AFTER = timedelta(hours=26)

DESCRIPTIONS = PAGE_DESCRIPTIONS
TITLES = {
    "database": "Database",
    "openai": "AI chat (OpenAI)",
    "stripe": "Payments (Stripe)",
    "email": "E-mail (Resend)",
}


class Counts(BaseModel):
    """Counts of one bucket (window or day) as the SQL function returns them."""

    model_config = ConfigDict(extra="ignore")

    checks: int = 0
    up: int = 0
    latency_sum: float = 0
    latency_n: int = 0

    @property
    def uptime_pct(self) -> float | None:
        return percent_down(self.up, self.checks, 3)

    @property
    def avg_ms(self) -> float | None:
        return round(self.latency_sum / self.latency_n, 1) if self.latency_n else None


def percent_down(part: int, whole: int, decimals: int) -> float | None:
    """100·part/whole rounded down (exact integer arithmetic): 99.999… never shows as 100."""
    if whole <= 0:
        return None
    scale = 10**decimals
    return (part * 100 * scale // whole) / scale


def fetch_summary(db: Store, now: datetime, timezone: str, history_days: int) -> dict:
    """The one store round trip: `monitoring_status_summary` (see its migration) with the
    resolved episodes of the same days (the incident history, reports migration) and the real
    traffic's availability (`traffic`, traffic migration)."""
    return status_page(db, now, timezone, history_days)


def past_incidents(raw: list[dict]) -> list[PastIncident]:
    """Resolved critical/warning episodes, newest first, without their messages."""
    from lib.reports.history import episodes_from

    return [
        PastIncident(
            rule=e.rule,
            title=incident_title(e.rule),
            severity=e.severity,  # type: ignore[arg-type]
            started_at=e.started_at,
            ended_at=e.ended_at,
            duration_s=e.duration_s or 0.0,
        )
        for e in episodes_from(raw)
        if e.ended_at is not None and e.severity in ("critical", "warning")
    ]


def _per_window(windows: dict[str, dict], attribute: str) -> PerWindow:
    values = {
        alias: getattr(Counts.model_validate(windows.get(key, {})), attribute)
        for alias, key in WINDOWS.items()
    }
    return PerWindow.model_validate(values)


def _series(days: list[date], rows: list[dict]) -> DaySeries:
    by_day = {date.fromisoformat(r["day"]): Counts.model_validate(r) for r in rows}
    empty = Counts()
    counts = [by_day.get(day, empty) for day in days]
    return DaySeries(
        uptime_pct=[c.uptime_pct for c in counts],
        avg_response_ms=[c.avg_ms for c in counts],
        checks=[c.checks for c in counts],
    )


def service_order(names: set[str]) -> list[str]:
    known = [name for name in SERVICES if name in names]
    return known + sorted(names - set(SERVICES))


def overall_word(
    services: dict[str, ServiceStatus],
    critical: frozenset[str],
    incidents: list[Incident],
    maintenance: Maintenance | None,
) -> OverallWord:
    """status_words.page_word of the services' words, the maintenance and the incidents."""
    return page_word(
        {name: s.status for name, s in services.items()},
        critical,
        maintenance=maintenance is not None,
        critical_incident=any(i.severity == "critical" for i in incidents),
    )


def maintenance_now(settings: Settings, now: datetime) -> Maintenance | None:
    """The active monitoring.toml window, as the alert engine sees it (it mutes notifications)."""
    state = current_maintenance(settings, now)
    if not state.active:
        return None
    return Maintenance(reason=state.reason or "maintenance", ends_at=state.ends_at)


def incident_title(key: str) -> str:
    """The alert rule's own title; a per-instance key (`rule:instance`) names its instance."""
    from lib.alerts.rules import RULES_BY_NAME

    name, _, instance = key.partition(":")
    rule = RULES_BY_NAME.get(name)
    title = rule.title if rule is not None else name.replace("_", " ").capitalize()
    return f"{title} ({instance})" if instance else title


def build_status(
    raw: dict, settings: Settings, now: datetime, with_history: bool = True
) -> StatusBody:
    """Turn the SQL function's counts into the public summary."""
    windows: dict[str, dict] = raw.get("windows", {})
    latest: dict[str, dict] = raw.get("latest", {})
    daily: dict[str, list[dict]] = raw.get("daily", {})
    names = service_order(set(latest) | (set(windows) - {"overall"}))
    services = {}
    for name in names:
        check = latest.get(name) or {}
        checked_at = datetime.fromisoformat(check["checked_at"]) if check else None
        fresh = checked_at is not None and now - checked_at <= STALE_AFTER
        services[name] = ServiceStatus(
            title=TITLES.get(name, name.replace("_", " ").capitalize()),
            status=_stored_word(check.get("status", "")) if fresh else "unknown",
            checked_at=checked_at,
            latency_ms=check.get("latency_ms"),
            uptime=_per_window(windows.get(name, {}), "uptime_pct"),
            avg_response_ms=_per_window(windows.get(name, {}), "avg_ms"),
        )
    incidents = [
        Incident(
            rule=i["rule"],
            title=incident_title(i["rule"]),
            severity=i["severity"],
            since=i["since"],
        )
        for i in raw.get("incidents", [])
        if i["severity"] in ("critical", "warning")  # info rules (weekly summary) are no incident
    ]
    maintenance = maintenance_now(settings, now)
    word = overall_word(services, settings.critical_services, incidents, maintenance)
    history = None
    if with_history:
        first = date.fromisoformat(raw["first_day"])
        today = now.astimezone(settings.metrics_timezone).date()
        days = [first + timedelta(days=i) for i in range((today - first).days + 1)]
        history = History(
            timezone=settings.metrics_timezone.key,
            days=days,
            services={name: _series(days, daily.get(name, [])) for name in names},
            overall=_series(days, daily.get("overall", [])),
        )
    checked = [s.checked_at for s in services.values() if s.checked_at is not None]
    return StatusBody(
        status=word,
        description=DESCRIPTIONS[word],
        updated_at=now,
        last_check_at=max(checked) if checked else None,
        maintenance_window=maintenance,
        uptime=_per_window(windows.get("overall", {}), "uptime_pct"),
        avg_response_ms=_per_window(windows.get("overall", {}), "avg_ms"),
        services=services,
        alerts=incidents,
        resolved_alerts=past_incidents(raw.get("resolved", [])) if with_history else [],
        history=history,
        reason=_reason(word, services),
    )


def _stored_word(level: str) -> ServiceWord:
    """A stored check's level (ok, degraded, down) as the page says it; anything else unknown."""
    return PAGE_SERVICE.get(Level(level), "unknown") if level in Level else "unknown"


def _reason(word: OverallWord, services: dict[str, ServiceStatus]) -> str | None:
    if word != "unknown":
        return None
    if not services:
        return "no checks recorded yet"
    return f"no check in the last {STALE_AFTER.total_seconds() / 3600:.0f} hours"


def unknown_status(settings: Settings, now: datetime, reason: str) -> StatusBody:
    maintenance = maintenance_now(settings, now)
    word: OverallWord = "maintenance" if maintenance else "unknown"
    return StatusBody(
        status=word,
        description=DESCRIPTIONS[word],
        updated_at=now,
        last_check_at=None,
        maintenance_window=maintenance,
        uptime=PerWindow(),
        avg_response_ms=PerWindow(),
        services={},
        alerts=[],
        reason=reason,
    )
