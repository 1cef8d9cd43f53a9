"""Probe contract and the runner that owns deadlines, timing and error-to-word mapping."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import httpx
from pydantic import BaseModel, ValidationError

from lib.core import tls
from lib.core.config import ConfigError, Settings, get_settings
from lib.core.errors import ServiceDegraded, ServiceDown, reason_for, status_error
from lib.core.log import log
from lib.core.not_configured import NotConfigured
from lib.core.status_words import Level as Level  # a service's state, whatever its JSON word

# Probes talk TLS to every vendor: let the CA bundle load while the rest of the function imports.
tls.preload()

# A service that answers but takes longer than this is reported slow/degraded.
SLOW_MS = 1000


class ProbeResult(BaseModel):
    """What one probe observed: level, latency, short secret-free reason, observed values."""

    level: Level
    latency_ms: int | None = None
    reason: str | None = None
    details: dict[str, object] = {}


# A probe raises these to report its state (the core family's names for a probed service).
ProbeDown = ServiceDown
ProbeDegraded = ServiceDegraded


@dataclass(frozen=True)
class ProbeContext:
    """What a probe may use: settings, a shared HTTP client, and the time left."""

    settings: Settings
    http: httpx.AsyncClient
    deadline: float

    def remaining(self) -> float:
        return max(0.01, self.deadline - time.monotonic())


class Probe(Protocol):
    """One service check: `check` returns observed values or raises ProbeDown/ProbeDegraded.

    `not_configured` names the settings to set (lib/core/not_configured.py); a probe whose
    check imports a client library lazily may also define `warm_up(settings)` to import it at
    function load (see `warm_up` below).
    """

    name: str

    def not_configured(self, settings: Settings) -> NotConfigured | None: ...

    def configured(self, settings: Settings) -> bool: ...

    async def check(self, ctx: ProbeContext) -> dict[str, object] | None: ...


class BaseProbe:
    """What every probe shares: `configured` follows from `not_configured`."""

    def not_configured(self, settings: Settings) -> NotConfigured | None:
        raise NotImplementedError

    def configured(self, settings: Settings) -> bool:
        return self.not_configured(settings) is None


def warm_up(probes: Sequence[Probe]) -> None:
    """At function load, import what the first request's probes would import lazily.

    That is httpx's transport (httpcore) and, for probes that define `warm_up(settings)`, their
    client library. The CA bundle is parsed in its own thread meanwhile (lib.core.tls); left to the
    request, these imports started only after it had sat idle waiting for that parse
    (bench/bench_health.py, cold start: about 25 ms).
    """
    import httpcore  # noqa: F401 - httpx imports it when it builds the first client

    try:
        settings = get_settings()
    except ConfigError:
        return  # every request answers 500 naming the bad setting; nothing worth loading
    for probe in probes:
        load = getattr(probe, "warm_up", None)
        if load is not None and probe.configured(settings):
            load(settings)


def check_vendor_status(response: httpx.Response) -> None:
    """Raise the status's ProbeDown/ProbeDegraded; 2xx passes."""
    signal = status_error(response.status_code)
    if signal is not None:
        raise signal


def parse_body[M: BaseModel](response: httpx.Response, model: type[M]) -> M:
    """Validate a vendor body against the model we rely on; garbage is a ProbeDown."""
    try:
        return model.model_validate_json(response.content)
    except (ValidationError, json.JSONDecodeError, ValueError):
        raise ProbeDown("malformed response") from None


async def _timed(probe: Probe, ctx: ProbeContext) -> ProbeResult:
    started = time.monotonic()

    def elapsed() -> int:
        return round((time.monotonic() - started) * 1000)

    try:
        details = await probe.check(ctx)
    except ProbeDegraded as signal:
        return ProbeResult(
            level=Level.DEGRADED, latency_ms=elapsed(), reason=signal.reason, details=signal.details
        )
    except ProbeDown as signal:
        return ProbeResult(
            level=Level.DOWN, latency_ms=elapsed(), reason=signal.reason, details=signal.details
        )
    except httpx.HTTPError as error:
        return ProbeResult(level=Level.DOWN, latency_ms=elapsed(), reason=reason_for(error))
    except TimeoutError:
        return ProbeResult(level=Level.DOWN, latency_ms=elapsed(), reason="timeout")
    except Exception as error:  # noqa: BLE001 - a probe bug must not leak details or hang
        log.warning("probe %s failed: %s", probe.name, type(error).__name__)
        return ProbeResult(level=Level.DOWN, latency_ms=elapsed(), reason="unexpected error")
    latency = elapsed()
    if latency >= SLOW_MS:
        return ProbeResult(
            level=Level.DEGRADED, latency_ms=latency, reason="slow response", details=details or {}
        )
    return ProbeResult(level=Level.OK, latency_ms=latency, details=details or {})


async def run_probes(
    probes: Sequence[Probe], settings: Settings, budget_s: float
) -> dict[str, ProbeResult]:
    """Run configured probes concurrently; whatever has not answered within the budget timed out."""
    unset = {p.name: p.not_configured(settings) for p in probes}
    results = {
        name: ProbeResult(level=Level.NOT_CONFIGURED, reason=missing.fix)
        for name, missing in unset.items()
        if missing is not None
    }
    active = [p for p in probes if unset[p.name] is None]
    if not active:
        return results
    deadline = time.monotonic() + budget_s
    timeout = httpx.Timeout(budget_s)
    async with httpx.AsyncClient(
        timeout=timeout, follow_redirects=False, verify=tls.ssl_context()
    ) as client:
        ctx = ProbeContext(settings=settings, http=client, deadline=deadline)
        tasks = {p.name: asyncio.create_task(_timed(p, ctx)) for p in active}
        await asyncio.wait(tasks.values(), timeout=budget_s)
        budget_ms = round(budget_s * 1000)
        for name, task in tasks.items():
            if task.done():
                results[name] = task.result()
            else:
                task.cancel()
                results[name] = ProbeResult(
                    level=Level.DOWN, latency_ms=budget_ms, reason="timeout"
                )
    return {p.name: results[p.name] for p in probes}  # in the caller's order, whatever answered


def run_probes_sync(
    probes: Sequence[Probe], settings: Settings, budget_s: float
) -> dict[str, ProbeResult]:
    """Entry point for WSGI handlers."""
    return asyncio.run(run_probes(probes, settings, budget_s))
