"""/api/health: live probes of the four services, aggregated into one status word."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel, Field

from lib.core.config import Settings
from lib.core.http import Request, Response, json_response, utc_timestamp
from lib.core.status_words import HEALTH_TO_DRAFT, LEVEL_TO_DRAFT, Draft
from lib.probes import Level, ProbeResult
from lib.probes.health import OverallStatus, evaluate, service_word

PUBLIC_CACHE = "public, s-maxage=30, stale-while-revalidate=60"
# Token-holders see details: never let a shared cache keep or serve those.
PRIVATE_CACHE = "private, no-store"
_COMPONENT_TYPE = {"database": "datastore"}


class CheckDetail(BaseModel):
    """One service's word, latency and reason (HEALTH_TOKEN holders; /api/health/integrations)."""

    status: str
    latency_ms: int | None
    reason: str | None


class HealthBody(BaseModel):
    """The /api/health JSON (docs/endpoints.md)."""

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
    status: Draft
    time: str
    output: str | None = Field(None, exclude_if=lambda v: v is None)


class DraftHealthBody(BaseModel, defer_build=True):
    """application/health+json body (draft-inadarei-api-health-check)."""

    status: Draft
    version: str
    releaseId: str
    serviceId: str = "carbot"
    description: str = "CarBot live health"
    checks: dict[str, list[DraftCheck]] = Field(default_factory=dict)


@dataclass(frozen=True)
class _Evaluation:
    settings: Settings  # reused only for the same settings (in-process tests swap them)
    at: float  # time.monotonic()
    timestamp: str
    status: OverallStatus
    results: dict[str, ProbeResult]


_recent: _Evaluation | None = None
_lock = threading.Lock()


def _fresh(settings: Settings) -> _Evaluation:
    global _recent
    status, results = evaluate(settings)
    _recent = _Evaluation(settings, time.monotonic(), utc_timestamp(), status, dict(results))
    return _recent


def current_evaluation(settings: Settings, anonymous: bool) -> _Evaluation:
    """Token holders always get a fresh evaluation; anonymous callers one of the last few seconds
    (HEALTH_ANONYMOUS_REUSE_MS): each anonymous call would otherwise cost three vendor requests
    with CarBot's keys and a database connection, under a new CDN cache key per query string.

    The lock makes concurrent anonymous requests wait for one evaluation instead of each running
    their own (the dev server is threaded; a Vercel instance serves one request at a time).
    """
    if not anonymous:
        return _fresh(settings)
    with _lock:
        recent = _recent
        if (
            recent is not None
            and recent.settings is settings
            and time.monotonic() - recent.at < settings.health_anonymous_reuse_ms / 1000
        ):
            return recent
        return _fresh(settings)


def health_response(request: Request) -> Response:
    settings = request.settings
    authorized = request.has_bearer(settings.health_token)
    evaluation = current_evaluation(settings, anonymous=not authorized)
    status, results, now = evaluation.status, evaluation.results, evaluation.timestamp
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
                status=LEVEL_TO_DRAFT[result.level],
                time=now,
                output=result.reason if authorized else None,
            )
        ]
        for name, result in results.items()
        if result.level != Level.NOT_CONFIGURED
    }
    return DraftHealthBody(
        status=HEALTH_TO_DRAFT[status],
        version=settings.app_version.split(".")[0],
        releaseId=settings.app_version,
        checks=checks,
    )
