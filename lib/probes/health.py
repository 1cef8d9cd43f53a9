"""The four probes of /api/health and their aggregation into one status (lib/core/status_words)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lib.core.config import Settings
from lib.core.status_words import Health, overall
from lib.core.status_words import service_word as service_word
from lib.probes import Probe, ProbeResult, run_probes_sync
from lib.probes.database import DatabaseProbe
from lib.probes.vendors import EmailProbe, OpenAIProbe, StripeProbe

OverallStatus = Health

HEALTH_PROBES: tuple[Probe, ...] = (DatabaseProbe(), OpenAIProbe(), StripeProbe(), EmailProbe())

# Seconds of the budget kept back for building and sending the response.
RESPONSE_MARGIN_S = 0.05


def aggregate(results: Mapping[str, ProbeResult], critical: frozenset[str]) -> Health:
    """The probes' levels through status_words.overall, the one rule for the whole."""
    return overall({name: result.level for name, result in results.items()}, critical)


def evaluate(
    settings: Settings, probes: Sequence[Probe] = HEALTH_PROBES
) -> tuple[OverallStatus, dict[str, ProbeResult]]:
    """Run probes (default: the four of /api/health) under HEALTH_TIMEOUT_MS and aggregate them."""
    budget = max(0.05, settings.health_timeout_ms / 1000 - RESPONSE_MARGIN_S)
    results = run_probes_sync(probes, settings, budget)
    return aggregate(results, settings.critical_services), results
