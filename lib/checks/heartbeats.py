"""Heartbeats: which heartbeat a ping token names, when a job is due, and its state word.

States as healthchecks.io documents them: `new` (never pinged), `up` (on time), `late` (past its
expected time, within the grace), `down` (overdue by more than the grace, a /fail, or a /start
whose run did not end within the grace).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from lib.checks.store import HeartbeatRow
from lib.core.synthetic_config import HeartbeatConfig

MIN_TOKEN = 24  # characters: a shorter token is refused (the doctor names it)
MAX_TOKEN = 128

HeartbeatState = Literal["new", "up", "late", "down"]


class HeartbeatStatus(BaseModel):
    """One heartbeat's state and why."""

    state: HeartbeatState
    message: str
    expected_at: datetime | None = None
    overdue_min: float | None = None


def token_key(token: str) -> str:
    """The rate-limit key of a token: its SHA-256, so the store never holds a token."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def heartbeat_token(beat: HeartbeatConfig, env: Mapping[str, str] | None = None) -> str | None:
    token = (os.environ if env is None else env).get(beat.token_env, "")
    return token if MIN_TOKEN <= len(token) <= MAX_TOKEN else None


def heartbeat_for(
    beats: list[HeartbeatConfig], token: str, env: Mapping[str, str] | None = None
) -> str | None:
    """The heartbeat whose token this is. Every configured token is compared in constant time,
    whatever matches, so the time taken does not tell how close a guess was."""
    found = None
    given = token.encode("utf-8", "replace")
    for beat in beats:
        expected = heartbeat_token(beat, env)
        if expected is not None and hmac.compare_digest(given, expected.encode()):
            found = beat.name
    return found


def next_expected(beat: HeartbeatConfig, after: datetime) -> datetime:
    """When the job should ping next after a success at `after`."""
    if beat.period is not None:
        return after + timedelta(seconds=beat.period)
    from croniter import croniter

    zone = ZoneInfo(beat.tz)
    local = croniter(beat.schedule, after.astimezone(zone)).get_next(datetime)
    return local.astimezone(after.tzinfo)


def heartbeat_status(
    beat: HeartbeatConfig, row: HeartbeatRow | None, now: datetime
) -> HeartbeatStatus:
    grace = timedelta(seconds=beat.grace)
    if row is None or row.last_ping_at is None:
        return HeartbeatStatus(state="new", message=f"{beat.name} has never pinged")
    if row.started_at is not None and now - row.started_at > grace:
        minutes = (now - row.started_at - grace).total_seconds() / 60
        return HeartbeatStatus(
            state="down",
            message=f"{beat.name} started {row.started_at:%Y-%m-%d %H:%M} UTC, never finished",
            overdue_min=round(minutes, 1),
        )
    if row.last_kind == "fail":
        code = f" (exit status {row.last_exit_code})" if row.last_exit_code else ""
        return HeartbeatStatus(
            state="down", message=f"{beat.name} reported a failure{code}", overdue_min=0.0
        )
    base = row.last_success_at or row.last_ping_at
    expected = next_expected(beat, base)
    overdue = (now - expected).total_seconds() / 60
    if now <= expected:
        return HeartbeatStatus(
            state="up", message=f"{beat.name} on time", expected_at=expected, overdue_min=0.0
        )
    if now - expected <= grace:
        message = f"{beat.name} late by {overdue:.0f} min (grace {beat.grace / 60:.0f} min)"
        state: HeartbeatState = "late"
    else:
        message = f"{beat.name} overdue by {overdue:.0f} min (grace {beat.grace / 60:.0f} min)"
        state = "down"
    return HeartbeatStatus(
        state=state, message=message, expected_at=expected, overdue_min=round(overdue, 1)
    )
