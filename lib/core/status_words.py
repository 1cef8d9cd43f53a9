"""Every status word the monitor shows, one sentence each, and the one way they map to each other.

The words are contract (SPEC.md §3, docs/status-words.md): endpoints, pages, the badge, the
doctor and the alerts take them from here; `overall` is the one place the state of the whole is
computed from the state of each service.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Literal, get_args


class Level(StrEnum):
    """One service's state, as a probe saw it and as a stored check records it."""

    OK = "ok"
    DEGRADED = "degraded"
    DOWN = "down"
    NOT_CONFIGURED = "not_configured"


# /api/health `status` (and /api/health/integrations, /api/health/database).
Health = Literal["healthy", "degraded", "unhealthy"]
# /api/status `status`, the badge, the status page.
Page = Literal["operational", "degraded", "down", "maintenance", "unknown"]
PageService = Literal["operational", "degraded", "down", "unknown"]
# application/health+json (draft-inadarei-api-health-check).
Draft = Literal["pass", "warn", "fail"]
# python -m lib doctor, GET /api/doctor.
Doctor = Literal["pass", "warn", "fail", "not_applicable"]
# What a rule observed for one alert key (lib/alerts/rules/base.py ObservedState).
Observed = Literal["firing", "ok", "settling", "unknown", "not_configured"]

# A service's JSON word: the database speaks of its connection, the vendors of their service.
DATABASE_WORDS: dict[Level, str] = {
    Level.OK: "connected",
    Level.DEGRADED: "slow",
    Level.DOWN: "disconnected",
    Level.NOT_CONFIGURED: "not_configured",
}
SERVICE_WORDS: dict[Level, str] = {
    Level.OK: "operational",
    Level.DEGRADED: "degraded",
    Level.DOWN: "down",
    Level.NOT_CONFIGURED: "not_configured",
}
# The status page shows a stored check's level with the vendor words; no check lately: unknown.
PAGE_SERVICE: dict[Level, PageService] = {
    Level.OK: "operational",
    Level.DEGRADED: "degraded",
    Level.DOWN: "down",
}
HEALTH_TO_PAGE: dict[Health, Page] = {
    "healthy": "operational",
    "degraded": "degraded",
    "unhealthy": "down",
}
HEALTH_TO_DRAFT: dict[Health, Draft] = {"healthy": "pass", "degraded": "warn", "unhealthy": "fail"}
LEVEL_TO_DRAFT: dict[Level, Draft] = {Level.OK: "pass", Level.DEGRADED: "warn", Level.DOWN: "fail"}
# The status page's headline and the badge's colour (shields.io names) per page word.
PAGE_DESCRIPTIONS: dict[Page, str] = {
    "operational": "All systems operational",
    "degraded": "Some systems are degraded",
    "down": "Major outage",
    "maintenance": "Scheduled maintenance in progress",
    "unknown": "No checks recorded yet",
}
PAGE_COLORS: dict[Page, str] = {
    "operational": "brightgreen",
    "degraded": "yellow",
    "down": "red",
    "maintenance": "blue",
    "unknown": "lightgrey",
}


def service_word(service: str, level: Level) -> str:
    """The JSON word of one service of /api/health: `connected` for the database, `operational`
    for a vendor, and so on."""
    return (DATABASE_WORDS if service == "database" else SERVICE_WORDS)[level]


def overall(levels: Mapping[str, Level | None], critical: Iterable[str]) -> Health:
    """The whole from its parts: unhealthy if a critical service is down; degraded if any
    service is down or degraded; else healthy (not configured and unknown count for nothing)."""
    if any(levels.get(name) == Level.DOWN for name in critical):
        return "unhealthy"
    if any(level in (Level.DOWN, Level.DEGRADED) for level in levels.values()):
        return "degraded"
    return "healthy"


def page_word(
    services: Mapping[str, PageService],
    critical: Iterable[str],
    *,
    maintenance: bool,
    critical_incident: bool,
) -> Page:
    """The status page's word: maintenance first; unknown with no fresh check at all; else
    `overall` of the services' levels, a firing critical alert making a healthy page degraded."""
    if maintenance:
        return "maintenance"
    if all(word == "unknown" for word in services.values()):
        return "unknown"
    levels = {name: _PAGE_LEVEL.get(word) for name, word in services.items()}
    word = HEALTH_TO_PAGE[overall(levels, critical)]
    return "degraded" if word == "operational" and critical_incident else word


_PAGE_LEVEL: dict[str, Level] = {word: level for level, word in PAGE_SERVICE.items()}

# The table docs/status-words.md shows (tests/test_status_words.py keeps them equal): every
# vocabulary, every word, one sentence.
MEANINGS: dict[str, dict[str, str]] = {
    "service (/api/health `services`)": {
        "connected / operational": "The service answered within 1 s.",
        "slow / degraded": "The service answered, but slowly (1 s or more) or partly.",
        "disconnected / down": "The service did not answer, refused us, or timed out.",
        "not_configured": "The settings it needs are not set; it is not checked and not counted.",
    },
    "overall (/api/health `status`)": {
        "healthy": "Every configured service is operational.",
        "degraded": "A service is slow or down, but no critical one is down.",
        "unhealthy": "A critical service (CRITICAL_SERVICES) is down; the answer is a 503.",
    },
    "status page (/api/status, /status, /api/badge)": {
        "operational": "Every service's last check was fine and no critical alert is firing.",
        "degraded": "A service is slow or down, or a critical alert is firing.",
        "down": "A critical service is down.",
        "maintenance": "A maintenance window of monitoring.toml is in progress.",
        "unknown": "No check in the last 26 hours (or none yet, or the store did not answer).",
    },
    "health+json (Accept: application/health+json)": {
        "pass": "healthy, or this service is operational.",
        "warn": "degraded, or this service is slow.",
        "fail": "unhealthy, or this service is down.",
    },
    "doctor (python -m lib doctor, /api/doctor)": {
        "pass": "The item is set up as the guide asks.",
        "warn": "It works, but something is missing or soon due; the fix says what.",
        "fail": "It is broken or missing where it is required; the fix says what.",
        "not_applicable": "The item does not apply here (its feature is not configured).",
    },
    "alert observation (/api/cron/health_check `alerts`)": {
        "firing": "The rule's condition holds now.",
        "ok": "The rule's condition does not hold.",
        "settling": "Too little data yet to judge; the alert keeps its state.",
        "unknown": "The data could not be read this run; the alert keeps its state.",
        "not_configured": "What the rule reads is not set up; it neither fires nor resolves.",
    },
}


def table() -> list[dict[str, str]]:
    """MEANINGS as rows ({vocabulary, word, meaning}), e.g. for a page that explains them."""
    return [
        {"vocabulary": vocabulary, "word": word, "meaning": meaning}
        for vocabulary, words in MEANINGS.items()
        for word, meaning in words.items()
    ]


def words_of(kind: object) -> tuple[str, ...]:
    """The words of a Literal type above, in order (for tests and docs)."""
    return tuple(get_args(kind))
