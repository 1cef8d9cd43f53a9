"""Component status, uptime, 90-day history and the banner, from the summary's SQL counts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from lib.alerts.maintenance import Window
from lib.core.components import Component, LocalText
from lib.status.model import (
    IMPACT_WORD,
    WORD_RANK,
    Banner,
    ComponentView,
    ComponentWord,
    HistoryDay,
    StoredEvent,
    Uptime,
)

STALE_AFTER = timedelta(hours=26)  # as lib/endpoints/status_summary.py: older checks say nothing
WINDOW_KEYS = {"24h": "1", "7d": "7", "30d": "30"}
_CHECK_WORD: dict[str, ComponentWord] = {"degraded": "degraded_performance", "down": "major_outage"}
_ALERT_WORD: dict[str, ComponentWord] = {
    "critical": "partial_outage",
    "warning": "degraded_performance",
}
BANNER_TEXT: dict[ComponentWord, tuple[str, str]] = {
    "operational": ("Alle Systeme betriebsbereit", "All systems operational"),
    "under_maintenance": ("Wartung", "Maintenance"),
    "degraded_performance": ("Eingeschränkte Leistung", "Degraded performance"),
    "partial_outage": ("Teilweiser Ausfall", "Partial outage"),
    "major_outage": ("Schwerer Ausfall", "Major outage"),
}


def worst(words: Iterable[ComponentWord]) -> ComponentWord:
    return max(words, key=WORD_RANK.__getitem__, default="operational")


def percent(up: int, checks: int) -> float | None:
    """100·up/checks rounded down to 3 decimals (99.9996 never shows as 100)."""
    return (up * 100_000 // checks) / 1000 if checks > 0 else None


def _sum(buckets: Iterable[dict]) -> tuple[int, int]:
    checks = up = 0
    for bucket in buckets:
        checks += int(bucket.get("checks") or 0)
        up += int(bucket.get("up") or 0)
    return up, checks


def check_word(component: Component, latest: dict[str, dict], now: datetime) -> ComponentWord:
    """All mapped services down: major outage; some: partial; any degraded: degraded."""
    words = []
    for service in component.services:
        check = latest.get(service)
        if not check or now - datetime.fromisoformat(check["checked_at"]) > STALE_AFTER:
            continue
        words.append(_CHECK_WORD.get(check["status"], "operational"))
    if words and all(w == "major_outage" for w in words):
        return "major_outage"
    if "major_outage" in words:
        return "partial_outage"
    return worst(words)


def covers(window: Window, component: Component) -> bool:
    return not window.components or component.id in window.components


def component_word(
    component: Component,
    raw: dict,
    incidents: list[StoredEvent],
    windows: list[Window],
    now: datetime,
) -> ComponentWord:
    """Checks and mapped alerts, unless maintenance runs; published incidents always count."""
    declared = [
        IMPACT_WORD[c.impact]
        for e in incidents
        if e.resolved_at is None
        for c in e.components
        if c.id == component.id
    ]
    if any(covers(w, component) and w.starts_at <= now < w.ends_at for w in windows):
        return worst(["under_maintenance", *declared])
    alerts = [
        _ALERT_WORD.get(a["severity"], "operational")
        for a in raw.get("incidents", [])
        if component.maps_alert(a["rule"])
    ]
    return worst([check_word(component, raw.get("latest", {}), now), *alerts, *declared])


def day_word(uptime: float | None) -> ComponentWord:
    if uptime is None or uptime >= 99.9:
        return "operational"
    if uptime >= 99.0:
        return "degraded_performance"
    return "partial_outage" if uptime >= 95.0 else "major_outage"


def history(
    component: Component,
    raw: dict,
    incidents: list[StoredEvent],
    days: list[date],
    zone: ZoneInfo,
    now: datetime,
) -> list[HistoryDay]:
    """One entry per day: uptime of the mapped services (SQL counts), incidents that touched it."""
    daily = raw.get("daily", {})
    by_day: dict[str, list[dict]] = {}
    for service in component.services:
        for row in daily.get(service, []):
            by_day.setdefault(row["day"], []).append(row)
    touching = [
        (e, e.created_at.astimezone(zone).date(), (e.resolved_at or now).astimezone(zone).date())
        for e in incidents
        if any(c.id == component.id for c in e.components)
    ]
    out = []
    for day in days:
        up, checks = _sum(by_day.get(day.isoformat(), []))
        uptime = percent(up, checks)
        hits = [e for e, first, last in touching if first <= day <= last]
        words = [day_word(uptime), *(IMPACT_WORD[e.impact] for e in hits)]
        ids = [e.id for e in hits]
        out.append(HistoryDay(day=day, uptime_pct=uptime, status=worst(words), incidents=ids))
    return out


def component_views(
    components: tuple[Component, ...],
    raw: dict,
    incidents: list[StoredEvent],
    windows: list[Window],
    now: datetime,
    zone: ZoneInfo,
    with_history: bool = True,
) -> list[ComponentView]:
    days: list[date] = []
    if with_history and raw.get("first_day"):
        first = date.fromisoformat(raw["first_day"])
        today = now.astimezone(zone).date()
        days = [first + timedelta(days=i) for i in range((today - first).days + 1)]
    views = []
    for component in components:
        per_window = raw.get("windows", {})
        uptime = {
            alias: percent(*_sum(per_window.get(s, {}).get(key, {}) for s in component.services))
            for alias, key in WINDOW_KEYS.items()
        }
        views.append(
            ComponentView(
                id=component.id,
                name=component.name,
                status=component_word(component, raw, incidents, windows, now),
                uptime=Uptime.model_validate(uptime),
                history=history(component, raw, incidents, days, zone, now) if days else [],
            )
        )
    return views


def banner(views: list[ComponentView]) -> Banner:
    """The worst component word, and which components it is about."""
    word = worst(v.status for v in views)
    about = [v for v in views if v.status == word and word != "operational"]
    de, en = BANNER_TEXT[word]
    if about:
        de += ": " + ", ".join(v.name.de for v in about)
        en += ": " + ", ".join(v.name.en for v in about)
    return Banner(status=word, message=LocalText(de=de, en=en), components=[v.id for v in about])
