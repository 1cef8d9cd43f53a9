"""Doctor checks of CarBot's synthetic checks and heartbeats: configured, and reporting."""

from __future__ import annotations

import os
from datetime import timedelta

from lib.checks.heartbeats import MAX_TOKEN, MIN_TOKEN, heartbeat_status
from lib.checks.store import check_states, heartbeat_rows
from lib.core.errors import ConfigError
from lib.core.monitor_config import MonitorConfig, load_monitor_config
from lib.core.synthetic_config import ENV_REFERENCE, CheckConfig
from lib.doctor.base import DoctorContext, Finding, age_words

# A check may miss two runs (a slow deployment, a cron hiccup) before the doctor says so.
MISSED_RUNS = 3
CRON_PERIOD = timedelta(minutes=5)


def _config(ctx: DoctorContext) -> MonitorConfig | None:
    try:
        return load_monitor_config(ctx.settings)
    except ConfigError:
        return None  # alert_config reports the file


def environment_names(check: CheckConfig) -> set[str]:
    """The environment variables a check reads (`${NAME}` and `secret_env`)."""
    requests = [check.http] if check.http else list(check.flow or [])
    names: set[str] = set()
    for request in requests:
        for text in (request.url, request.body or "", *request.headers.values()):
            names.update(ENV_REFERENCE.findall(text))
        if request.secret_env:
            names.add(request.secret_env)
    return names


def synthetic_checks(ctx: DoctorContext) -> Finding:
    """[[checks]] configured, their secrets set, and each one reporting recently."""
    config = _config(ctx)
    if config is None:
        return Finding(status="warn", evidence="monitoring.toml is invalid", fix="see alert_config")
    if not config.checks:
        return Finding(
            status="warn",
            evidence="no [[checks]]: nothing requests CarBot's own pages and APIs",
            fix="add [[checks]] to monitoring.toml (README: home page, login API, chat → lead)",
        )
    unset = sorted({n for c in config.checks for n in environment_names(c)} - set(os.environ))
    if unset:
        return Finding(
            status="fail",
            evidence=f"environment variables not set: {', '.join(unset)}",
            fix="set them in the Vercel project (never in monitoring.toml)",
        )
    states = ctx.once("check_states", lambda: check_states(ctx.need_store()))
    silent, down, fine = [], [], []
    for check in config.checks:
        state = states.get(check.name)
        allowed = max(timedelta(seconds=check.interval), CRON_PERIOD) * MISSED_RUNS
        if state is None or ctx.now - state.checked_at > allowed:
            when = (
                f"last {age_words((ctx.now - state.checked_at).total_seconds())} ago"
                if (state)
                else "never ran"
            )
            silent.append(f"{check.name}: {when}")
        elif state.status == "down":
            down.append(f"{check.name} down")
        else:
            fine.append(check.name)
    evidence = "; ".join([*silent, *down, f"{len(fine)} of {len(config.checks)} up"])
    if silent:
        return Finding(status="fail", evidence=evidence, fix="check the health_check cron runs")
    if down:
        return Finding(status="warn", evidence=evidence, fix="see the check_down alerts")
    return Finding(status="pass", evidence=evidence)


def heartbeats(ctx: DoctorContext) -> Finding:
    """[[heartbeats]] configured, their tokens set, and each job pinging on time."""
    config = _config(ctx)
    if config is None:
        return Finding(status="warn", evidence="monitoring.toml is invalid", fix="see alert_config")
    if not config.heartbeats:
        return Finding(
            status="warn",
            evidence="no [[heartbeats]]: CarBot's scheduled jobs can stop silently",
            fix="add [[heartbeats]] and ping /api/ping/<token> from each job (README)",
        )
    weak = [
        b.token_env
        for b in config.heartbeats
        if not MIN_TOKEN <= len(os.environ.get(b.token_env, "")) <= MAX_TOKEN
    ]
    if weak:
        return Finding(
            status="fail",
            evidence=f"token not set or not {MIN_TOKEN}-{MAX_TOKEN} characters: {', '.join(weak)}",
            fix="set each to a random value: python -c 'import secrets; print(secrets."
            "token_urlsafe(24))'",
        )
    rows = ctx.once("heartbeats", lambda: heartbeat_rows(ctx.need_store()))
    states = {b.name: heartbeat_status(b, rows.get(b.name), ctx.now) for b in config.heartbeats}
    evidence = "; ".join(f"{name}: {status.state}" for name, status in states.items())
    words = {status.state for status in states.values()}
    if "down" in words:
        return Finding(status="fail", evidence=evidence, fix="see the heartbeat_late alerts")
    if words & {"new", "late"}:
        return Finding(
            status="warn", evidence=evidence, fix="each job pings /api/ping/<token> when it ends"
        )
    return Finding(status="pass", evidence=evidence)
