"""Postmortems of the period's incidents (written through /api/incidents) for the reports: the
weekly "Issues & Resolutions" and a monthly "Incidents & Postmortems" section."""

from __future__ import annotations

from lib.core import safe_text
from lib.core.errors import StoreError
from lib.reports.model import Report, Section
from lib.reports.periods import Period
from lib.status.events import events_since
from lib.status.model import StoredEvent
from lib.store import Store


def postmortem_line(event: StoredEvent) -> str:
    """One line in English; every text written by people through safe_text."""
    pm = event.postmortem
    assert pm is not None
    title = safe_text.plain(event.title.en, 200)
    parts = [
        f"Postmortem: {title} ({event.status}, impact {event.impact})",
        f"cause: {safe_text.plain(pm.cause.en, 400)}",
        f"resolution: {safe_text.plain(pm.resolution.en, 400)}",
    ]
    if pm.action_items:
        parts.append(
            "action items: " + "; ".join(safe_text.plain(a.en, 200) for a in pm.action_items)
        )
    if pm.episodes:
        parts.append("alert episodes: " + ", ".join(safe_text.plain(e, 80) for e in pm.episodes))
    if pm.deployments:
        parts.append("deployments: " + ", ".join(safe_text.plain(d, 80) for d in pm.deployments))
    return " — ".join(parts)


def period_postmortems(store: Store, period: Period) -> list[str]:
    """Incidents with a postmortem that were open at some time in the period."""
    try:
        events = events_since(store, period.start, published_only=False)
    except StoreError:
        return ["Postmortems could not be read (store unavailable)."]
    return [
        postmortem_line(e)
        for e in events
        if e.kind == "incident"
        and e.postmortem is not None
        and e.created_at < period.end
        and (e.resolved_at is None or e.resolved_at >= period.start)
    ]


def add_postmortems(report: Report, store: Store, period: Period) -> None:
    lines = period_postmortems(store, period)
    if not lines:
        return
    section = next((s for s in report.sections if s.id == "issues"), None)
    if section is None:
        section = Section(id="postmortems", title="Incidents & Postmortems")
        report.sections.append(section)
    section.lines.extend(lines)
