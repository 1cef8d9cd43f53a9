"""The four probes of /api/health, their JSON words, and their aggregation into one status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from lib.core.config import Settings
from lib.probes import Level, Probe, ProbeResult, run_probes_sync
from lib.probes.database import DatabaseProbe
from lib.probes.vendors import EmailProbe, OpenAIProbe, StripeProbe

OverallStatus = Literal["healthy", "degraded", "unhealthy"]

HEALTH_PROBES: tuple[Probe, ...] = (DatabaseProbe(), OpenAIProbe(), StripeProbe(), EmailProbe())

# Seconds of the budget kept back for building and sending the response.
RESPONSE_MARGIN_S = 0.05

_DATABASE_WORDS = {
    Level.OK: "connected",
    Level.DEGRADED: "slow",
    Level.DOWN: "disconnected",
    Level.NOT_CONFIGURED: "not_configured",
}
_VENDOR_WORDS = {
    Level.OK: "operational",
    Level.DEGRADED: "degraded",
    Level.DOWN: "down",
    Level.NOT_CONFIGURED: "not_configured",
}


def service_word(service: str, level: Level) -> str:
    return (_DATABASE_WORDS if service == "database" else _VENDOR_WORDS)[level]


def aggregate(results: Mapping[str, ProbeResult], critical: frozenset[str]) -> OverallStatus:
    """Unhealthy if a critical service is down; degraded if anything is down or degraded."""
    levels = {name: result.level for name, result in results.items()}
    if any(levels.get(name) == Level.DOWN for name in critical):
        return "unhealthy"
    if any(level in (Level.DOWN, Level.DEGRADED) for level in levels.values()):
        return "degraded"
    return "healthy"


def evaluate(
    settings: Settings, probes: Sequence[Probe] = HEALTH_PROBES
) -> tuple[OverallStatus, dict[str, ProbeResult]]:
    """Run probes (default: the four of /api/health) under HEALTH_TIMEOUT_MS and aggregate them."""
    budget = max(0.05, settings.health_timeout_ms / 1000 - RESPONSE_MARGIN_S)
    results = run_probes_sync(probes, settings, budget)
    return aggregate(results, settings.critical_services), results
