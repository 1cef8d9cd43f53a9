"""/api/status answers in the agreed public shape (components, published incidents, maintenance;
docs/endpoints.md "The status page"), for the page tests until the backend serves them itself."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

NOW = "2026-12-06T10:00:00Z"
LAST_DAY = date(2026, 12, 6)
DAYS = 90
NAMES = {
    "website": ("Webseite", "Website"),
    "workshop-app": ("Werkstatt-App", "Workshop app"),
    "chat": ("Chat", "Chat"),
    "payments": ("Zahlungen", "Payments"),
    "email": ("E-Mail", "E-mail"),
}
INCIDENT_ID = "inc_123"
OLD_INCIDENT_DAY = LAST_DAY - timedelta(days=16)  # resolved long ago: only in its history day


def history(component: str, status: str) -> list[dict[str, Any]]:
    days = []
    for offset in range(DAYS - 1, -1, -1):
        day = LAST_DAY - timedelta(days=offset)
        entry: dict[str, Any] = {
            "day": day.isoformat(),
            "uptime_pct": None if offset > 80 else 100.0,  # the first days before any check
            "status": "operational",
            "incidents": [],
        }
        if component == "chat" and offset == 0 and status != "operational":
            entry.update(uptime_pct=97.5, status=status, incidents=[INCIDENT_ID])
        if component == "chat" and day == OLD_INCIDENT_DAY:
            entry.update(uptime_pct=99.2, status="degraded_performance", incidents=["inc_old"])
        days.append(entry)
    return days


def components(chat_status: str) -> list[dict[str, Any]]:
    return [
        {
            "id": cid,
            "name": {"de": de, "en": en},
            "status": chat_status if cid == "chat" else "operational",
            "uptime": {"24h": 97.5 if cid == "chat" else 100.0, "7d": 99.64, "30d": 99.917},
            "history": history(cid, chat_status),
        }
        for cid, (de, en) in NAMES.items()
    ]


INCIDENT: dict[str, Any] = {
    "id": INCIDENT_ID,
    "status": "identified",
    "impact": "major",
    "title": {"de": "Chat antwortet nicht", "en": "Chat not answering"},
    "components": [{"id": "chat", "impact": "major"}],
    "created_at": "2026-12-06T09:12:00Z",
    "updated_at": "2026-12-06T09:40:00Z",
    "resolved_at": None,
    "updates": [
        {
            "at": "2026-12-06T09:12:00Z",
            "status": "investigating",
            "message": {"de": "Wir untersuchen das Problem.", "en": "We are investigating."},
        },
        {
            "at": "2026-12-06T09:40:00Z",
            "status": "identified",
            "message": {
                "de": "Der KI-Anbieter antwortet verzögert; wir leiten um.",
                "en": "The AI provider answers late; we are rerouting.",
            },
        },
    ],
}
MAINTENANCE: list[dict[str, Any]] = [
    {
        "id": "mnt_1",
        "state": "scheduled",
        "title": {"de": "Datenbank-Upgrade", "en": "Database upgrade"},
        "message": {
            "de": "Zahlungen sind kurz nicht möglich.",
            "en": "Payments are briefly unavailable.",
        },
        "starts_at": "2026-12-08T01:00:00Z",
        "ends_at": "2026-12-08T03:00:00Z",
        "components": ["payments"],
    },
    {
        "id": "mnt_0",
        "state": "completed",
        "title": {"de": "Altes Fenster", "en": "Old window"},
        "message": {"de": "vorbei", "en": "over"},
        "starts_at": "2026-12-01T01:00:00Z",
        "ends_at": "2026-12-01T02:00:00Z",
        "components": ["email"],
    },
]
UNREADABLE = {
    "title": "Resend",
    "status": "unknown",
    "reason": "unreadable",
    "indicator": None,
    "description": None,
    "checked_at": NOW,
    "readable": False,
    "error": "status page answered 404",
    "incidents": [],
    "maintenance": [],
}


def during_incident(today: dict[str, Any]) -> dict[str, Any]:
    """Today's answer (old fields, the alert-derived ones included) plus the agreed fields, the
    chat in a partial outage with a published incident. The alert-derived incidents of today's
    answer are left in the list too: the page must tell them apart and never show them."""
    return {
        **today,
        "timezone": "Europe/Berlin",
        "generated_at": NOW,
        "banner": {
            "status": "partial_outage",
            "message": {"de": "Teilweiser Ausfall: Chat", "en": "Partial outage: Chat"},
            "components": ["chat"],
        },
        "components": components("partial_outage"),
        "incidents": [INCIDENT, *today["incidents"]],
        "maintenance": [],
        "providers": {**today["providers"], "resend": UNREADABLE},
        "feed": "/api/status/feed.atom",
        "subscribe": "/api/subscriptions",
    }


def with_maintenance(today: dict[str, Any]) -> dict[str, Any]:
    """Everything operational, one maintenance announced (and one completed, not shown)."""
    return {
        **during_incident(today),
        "banner": {
            "status": "operational",
            "message": {"de": "Alle Systeme betriebsbereit", "en": "All systems operational"},
            "components": [],
        },
        "components": components("operational"),
        "incidents": list(today["incidents"]),
        "maintenance": MAINTENANCE,
    }
