"""Synthetic checks of CarBot itself (HTTP, DNS, flows) and heartbeats of its jobs (SPEC §14)."""

from __future__ import annotations

from pydantic import BaseModel

# Rows of monitoring_health_checks for checks are named `check:<name>` (the status page's
# components map to these names).
SERVICE_PREFIX = "check:"


class StepTiming(BaseModel):
    """One flow step (or the single request of an http check): its name, time and outcome."""

    name: str
    latency_ms: int | None
    ok: bool


class CheckOutcome(BaseModel):
    """What one run of one check saw: up or down, how long, why (secret-free)."""

    up: bool
    latency_ms: int | None = None
    reason: str | None = None
    steps: list[StepTiming] = []
    attempts: int = 1
