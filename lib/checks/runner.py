"""Run the due checks concurrently within a budget, each retried once before it counts as down."""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Mapping
from datetime import datetime, timedelta

import httpx

from lib.checks import CheckOutcome
from lib.checks.store import CheckState, check_states
from lib.core.config import Settings
from lib.core.log import log
from lib.core.monitor_config import MonitorConfig
from lib.core.synthetic_config import CheckConfig
from lib.probes import Level, ProbeResult
from lib.store import Store, StoreError

# The health check's share for checks: within its 60 s maxDuration with the probes and alerts.
BUDGET_S = 25.0
# A cron started a little early must not skip a check whose interval equals the cron's period.
SLACK = timedelta(seconds=60)


def due(check: CheckConfig, state: CheckState | None, now: datetime) -> bool:
    """Not run yet, or its last stored result is at least `interval` old (less the slack)."""
    if state is None:
        return True
    return now - state.checked_at >= timedelta(seconds=check.interval) - SLACK


async def _once(
    check: CheckConfig, client: httpx.AsyncClient, site_host: str | None
) -> CheckOutcome:
    from lib.checks.http_check import run_flow, run_http

    if check.http is not None:
        return await run_http(client, check.http, check.timeout)
    if check.flow is not None:
        return await run_flow(client, check.flow, check.timeout)
    from lib.checks.dns_check import run_dns

    return await run_dns(check.dns, site_host, check.timeout)  # type: ignore[arg-type]


async def run_with_retry(
    check: CheckConfig, client: httpx.AsyncClient, site_host: str | None, deadline: float
) -> CheckOutcome:
    """A failure is retried once (a lost packet is not an outage) when time is left for it."""
    try:
        outcome = await _once(check, client, site_host)
        if outcome.up or time.monotonic() + check.timeout > deadline:
            return outcome
        retried = await _once(check, client, site_host)
        return retried.model_copy(update={"attempts": 2})
    except Exception as error:  # noqa: BLE001 - one broken check must not stop the others
        log.warning("check %s failed unexpectedly: %s", check.name, type(error).__name__)
        return CheckOutcome(up=False, reason="unexpected error")


async def run_all(
    checks: list[CheckConfig],
    site_host: str | None,
    budget_s: float,
    ssl_context: ssl.SSLContext | None = None,
) -> dict[str, CheckOutcome]:
    """Every check side by side; one still running at the budget's end is down ("no result")."""
    from lib.core import tls

    deadline = time.monotonic() + budget_s
    verify = ssl_context or tls.ssl_context()
    limits = httpx.Limits(max_connections=50, max_keepalive_connections=0)
    async with httpx.AsyncClient(verify=verify, limits=limits) as client:
        tasks = {
            c.name: asyncio.ensure_future(run_with_retry(c, client, site_host, deadline))
            for c in checks
        }
        await asyncio.wait(tasks.values(), timeout=budget_s)
        found = {}
        for name, task in tasks.items():
            if task.done():
                found[name] = task.result()
            else:
                task.cancel()
                found[name] = CheckOutcome(up=False, reason=f"no result within {budget_s:g} s")
        return found


def as_probe_result(outcome: CheckOutcome) -> ProbeResult:
    details: dict[str, object] = {"attempts": outcome.attempts}
    reason = outcome.reason
    if outcome.steps:
        details["steps"] = [s.model_dump() for s in outcome.steps]
        # Each step's time is kept with the stored row (its reason): "login 120 ms, chat 340 ms".
        timings = ", ".join(f"{s.name} {s.latency_ms} ms" for s in outcome.steps)
        reason = f"{reason} ({timings})" if reason else timings
    return ProbeResult(
        level=Level.OK if outcome.up else Level.DOWN,
        latency_ms=outcome.latency_ms,
        reason=reason[:200] if reason else None,
        details=details,
    )


def run_due_checks(
    store: Store,
    settings: Settings,
    config: MonitorConfig,
    now: datetime,
    *,
    ssl_context: ssl.SSLContext | None = None,
    budget_s: float = BUDGET_S,
    states: Mapping[str, CheckState] | None = None,
) -> dict[str, ProbeResult]:
    """{"check:<name>": result} for the checks due now: rows for the health check's one write.
    No checks configured: no store call."""
    if not config.checks:
        return {}
    if states is None:
        try:
            states = check_states(store)
        except StoreError:
            states = {}  # unknown last results: run them all
    ready = [c for c in config.checks if due(c, states.get(c.name), now)]
    if not ready:
        return {}
    site_host = settings.site_url.host if settings.site_url is not None else None
    outcomes = asyncio.run(run_all(ready, site_host, budget_s, ssl_context))
    return {f"check:{name}": as_probe_result(outcome) for name, outcome in outcomes.items()}
