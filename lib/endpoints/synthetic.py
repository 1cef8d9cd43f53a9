"""GET /api/health/checks: CarBot's own checks and job heartbeats, with their uptime (token)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel

from lib import store as store_module
from lib.checks import SERVICE_PREFIX
from lib.checks.heartbeats import HeartbeatState, heartbeat_status
from lib.checks.store import heartbeat_rows
from lib.core import safe_text
from lib.core.errors import ConfigError
from lib.core.http import HttpError, Request, Response, json_response, require_token
from lib.core.monitor_config import load_monitor_config
from lib.store import Store, StoreError

FAIL_BODY_SHOWN = 10_240


class CheckView(BaseModel):
    """One check: its last stored result (`up`, `down`, or `unknown` before the first run)."""

    kind: Literal["http", "dns", "flow"]
    critical: bool
    status: Literal["up", "down", "unknown"]
    latency_ms: int | None = None
    reason: str | None = None
    checked_at: datetime | None = None
    uptime_24h_pct: float | None = None
    uptime_30d_pct: float | None = None


class HeartbeatView(BaseModel):
    """One heartbeat: new, up, late or down, and what its job last reported."""

    state: HeartbeatState
    message: str
    expected_at: datetime | None = None
    last_ping_at: datetime | None = None
    last_success_at: datetime | None = None
    last_fail_at: datetime | None = None
    last_exit_code: int | None = None
    last_duration_ms: int | None = None
    running_since: datetime | None = None
    fail_body: str | None = None  # the first 10 kB of the last /fail, as safe plain text


class UptimeSplit(BaseModel):
    """CarBot's own uptime (its checks) beside its suppliers' (the probes), each labelled."""

    carbot_pct_30d: float | None
    carbot_source: str = "synthetic checks of CarBot ([[checks]], services check:<name>)"
    suppliers_pct_30d: float | None
    suppliers_source: str = "probes of CarBot's suppliers (database, OpenAI, Stripe, Resend)"


class SyntheticBody(BaseModel):
    checks: dict[str, CheckView]
    heartbeats: dict[str, HeartbeatView]
    uptime: UptimeSplit


def _average(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def synthetic_response(request: Request) -> Response:
    require_token(request)
    settings = request.settings
    try:
        config = load_monitor_config(settings)
    except ConfigError:
        raise HttpError(500, "monitoring.toml is invalid; see /api/doctor") from None
    if not store_module.configured(settings):
        raise HttpError(503, "no store configured (set DATABASE_URL or SUPABASE_URL + key)")
    now = datetime.now(UTC)
    try:
        with Store.from_settings(settings) as db:
            latest = db.latest_checks()
            day = db.uptime(now - timedelta(days=1), now)
            month = db.uptime(now - timedelta(days=30), now)
            rows = heartbeat_rows(db) if config.heartbeats else {}
    except StoreError as error:
        raise HttpError(503, f"store unavailable: {error.reason}") from None
    checks = {}
    for check in config.checks:
        found = latest.get(check.service)
        checks[check.name] = CheckView(
            kind=check.kind,
            critical=check.critical,
            status="unknown" if found is None else "down" if found.status == "down" else "up",
            latency_ms=found.latency_ms if found else None,
            reason=safe_text.plain(found.reason) if found and found.reason else None,
            checked_at=found.checked_at if found else None,
            uptime_24h_pct=day[check.service].uptime_pct if check.service in day else None,
            uptime_30d_pct=month[check.service].uptime_pct if check.service in month else None,
        )
    beats = {}
    for beat in config.heartbeats:
        row = rows.get(beat.name)
        status = heartbeat_status(beat, row, now)
        body = row.fail_body if row else None
        beats[beat.name] = HeartbeatView(
            state=status.state,
            message=status.message,
            expected_at=status.expected_at,
            last_ping_at=row.last_ping_at if row else None,
            last_success_at=row.last_success_at if row else None,
            last_fail_at=row.last_fail_at if row else None,
            last_exit_code=row.last_exit_code if row else None,
            last_duration_ms=row.last_duration_ms if row else None,
            running_since=row.started_at if row else None,
            fail_body=safe_text.plain(body, FAIL_BODY_SHOWN) if body else None,
        )
    own = [
        v.uptime_pct
        for k, v in month.items()
        if k.startswith(SERVICE_PREFIX) and v.uptime_pct is not None
    ]
    suppliers = [
        v.uptime_pct
        for k, v in month.items()
        if k != "overall" and not k.startswith(SERVICE_PREFIX) and v.uptime_pct is not None
    ]
    split = UptimeSplit(carbot_pct_30d=_average(own), suppliers_pct_30d=_average(suppliers))
    return json_response(SyntheticBody(checks=checks, heartbeats=beats, uptime=split))
