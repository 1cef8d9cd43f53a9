"""/api/health: live probes of the four services, aggregated into one status word."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, Field

from lib.config import Settings
from lib.http import Request, Response, json_response, utc_timestamp
from lib.probes import Level, Probe, ProbeResult, run_probes_sync
from lib.probes.database import DatabaseProbe
from lib.probes.vendors import EmailProbe, OpenAIProbe, StripeProbe

OverallStatus = Literal["healthy", "degraded", "unhealthy"]

HEALTH_PROBES: tuple[Probe, ...] = (DatabaseProbe(), OpenAIProbe(), StripeProbe(), EmailProbe())

PUBLIC_CACHE = "public, s-maxage=30, stale-while-revalidate=60"
# Token-holders see details: never let a shared cache keep or serve those.
PRIVATE_CACHE = "private, no-store"
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
_DRAFT_STATUS = {"healthy": "pass", "degraded": "warn", "unhealthy": "fail"}
_DRAFT_LEVEL = {Level.OK: "pass", Level.DEGRADED: "warn", Level.DOWN: "fail"}
_COMPONENT_TYPE = {"database": "datastore"}


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


class CheckDetail(BaseModel):
    """One service's word, latency and reason (HEALTH_TOKEN holders; /api/health/integrations)."""

    status: str
    latency_ms: int | None
    reason: str | None


class HealthBody(BaseModel):
    """The /api/health JSON (SPEC §3)."""

    status: OverallStatus
    timestamp: str
    version: str
    environment: str
    services: dict[str, str]
    checks: dict[str, CheckDetail] | None = Field(None, exclude_if=lambda v: v is None)


# Only for `Accept: application/health+json`: built on first use, not in every cold start.
class DraftCheck(BaseModel, defer_build=True):
    """One entry of draft-inadarei-api-health-check `checks`."""

    componentType: str
    observedValue: int | None = None
    observedUnit: str = "ms"
    status: Literal["pass", "warn", "fail"]
    time: str
    output: str | None = Field(None, exclude_if=lambda v: v is None)


class DraftHealthBody(BaseModel, defer_build=True):
    """application/health+json body (draft-inadarei-api-health-check)."""

    status: Literal["pass", "warn", "fail"]
    version: str
    releaseId: str
    serviceId: str = "carbot"
    description: str = "CarBot live health"
    checks: dict[str, list[DraftCheck]] = Field(default_factory=dict)


def evaluate(
    settings: Settings, probes: Sequence[Probe] = HEALTH_PROBES
) -> tuple[OverallStatus, dict[str, ProbeResult]]:
    """Run probes (default: the four of /api/health) under HEALTH_TIMEOUT_MS and aggregate them."""
    budget = max(0.05, settings.health_timeout_ms / 1000 - RESPONSE_MARGIN_S)
    results = run_probes_sync(probes, settings, budget)
    return aggregate(results, settings.critical_services), results


def health_response(request: Request) -> Response:
    settings = request.settings
    status, results = evaluate(settings)
    now = utc_timestamp()
    authorized = request.has_bearer(settings.health_token)
    headers = {
        "Cache-Control": PRIVATE_CACHE if authorized else PUBLIC_CACHE,
        "Vary": "Authorization, Accept",
    }
    http_status = 503 if status == "unhealthy" else 200
    if request.accepts("application/health+json"):
        body = _draft_body(status, results, settings, now, authorized)
        return json_response(
            body, http_status, headers=headers, content_type="application/health+json"
        )
    body = HealthBody(
        status=status,
        timestamp=now,
        version=settings.app_version,
        environment=settings.vercel_env,
        services={name: service_word(name, r.level) for name, r in results.items()},
        checks={
            name: CheckDetail(
                status=service_word(name, r.level), latency_ms=r.latency_ms, reason=r.reason
            )
            for name, r in results.items()
        }
        if authorized
        else None,
    )
    return json_response(body, http_status, headers=headers)


def _draft_body(
    status: OverallStatus,
    results: Mapping[str, ProbeResult],
    settings: Settings,
    now: str,
    authorized: bool,
) -> DraftHealthBody:
    checks = {
        f"{name}:responseTime": [
            DraftCheck(
                componentType=_COMPONENT_TYPE.get(name, "system"),
                observedValue=result.latency_ms,
                status=_DRAFT_LEVEL[result.level],
                time=now,
                output=result.reason if authorized else None,
            )
        ]
        for name, result in results.items()
        if result.level != Level.NOT_CONFIGURED
    }
    return DraftHealthBody(
        status=_DRAFT_STATUS[status],  # type: ignore[arg-type]
        version=settings.app_version.split(".")[0],
        releaseId=settings.app_version,
        checks=checks,
    )
