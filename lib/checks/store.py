"""The store calls of checks and heartbeats, each one SQL function of 20261207070000."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from lib.checks import SERVICE_PREFIX
from lib.store import Store

PingKind = Literal["success", "start", "fail"]


class CheckState(BaseModel, defer_build=True):
    """A check's latest stored result and failure streak."""

    status: str
    reason: str | None = None
    checked_at: datetime
    down_since: datetime | None = None
    last_down_at: datetime | None = None


class HeartbeatRow(BaseModel, defer_build=True):
    """What a heartbeat's job last reported (monitoring_heartbeats)."""

    last_ping_at: datetime | None = None
    last_kind: PingKind | None = None
    last_success_at: datetime | None = None
    last_fail_at: datetime | None = None
    last_exit_code: int | None = None
    started_at: datetime | None = None
    last_duration_ms: int | None = None
    fail_body: str | None = None
    pings: int = 0


def check_states(store: Store) -> dict[str, CheckState]:
    """{check name: state} of every check with stored results (one call)."""
    raw = store.call("monitoring_check_states", p_prefix=SERVICE_PREFIX)
    return {
        service.removeprefix(SERVICE_PREFIX): CheckState.model_validate(value)
        for service, value in raw.items()
    }


def record_ping(
    store: Store,
    key: str,
    name: str | None,
    kind: PingKind,
    exit_code: int | None,
    body: str | None,
    now: datetime,
    limit: int,
) -> bool:
    """Count and (when `name` is a heartbeat's) record one ping; False when rate-limited."""
    answer = store.call(
        "monitoring_heartbeat_ping",
        p_key=key,
        p_name=name,
        p_kind=kind,
        p_exit_code=exit_code,
        p_body=body,
        p_now=now,
        p_limit=limit,
    )
    return answer == "ok"


def heartbeat_rows(store: Store) -> dict[str, HeartbeatRow]:
    raw = store.call("monitoring_heartbeat_states")
    return {name: HeartbeatRow.model_validate(value) for name, value in raw.items()}
