"""Synthetic check and heartbeat rules: check_down:<name>, heartbeat_late:<name> (SPEC §14)."""

from __future__ import annotations

from datetime import timedelta

from lib.alerts.rules.base import BaseRule, Observation, ObservedState, RuleContext
from lib.notify.message import format_time


class CheckDown(BaseRule):
    """A synthetic check down continuously for longer than the threshold (minutes).

    The guide's "API Downtime (>2 minutes unresponsive)": critical for checks marked
    `critical = true`, a warning for the others. As service_unresponsive, measured from the first
    failure of the streak, and resolved after a threshold-long window without a failure. One
    store call for every check.
    """

    name = "check_down"
    title = "Check down"
    unit = "min"
    default_threshold = 2.0
    default_severity = "warning"

    def observe(self, ctx: RuleContext) -> list[Observation]:
        from lib.checks.store import check_states

        checks = ctx.monitor_config().checks
        if not checks:
            return []
        states = check_states(ctx.store)
        found = []
        for check in checks:
            key = f"{self.name}:{check.name}"
            state = states.get(check.name)
            if state is None:
                message = f"{check.name} has no result yet"
                found.append(self.observation("unknown", None, message, key))
            elif state.down_since is not None:
                minutes = max(0.0, (ctx.now - state.down_since).total_seconds() / 60)
                status: ObservedState = "firing" if minutes > self.threshold else "settling"
                since = format_time(state.down_since)
                message = f"{check.name} down for {minutes:.1f} min (since {since}): {state.reason}"
                found.append(self.observation(status, minutes, message, key))
            elif state.last_down_at is not None and state.last_down_at > ctx.now - timedelta(
                minutes=self.threshold
            ):
                found.append(self.observation("settling", 0.0, f"{check.name} recovering", key))
            else:
                found.append(self.observation("ok", 0.0, f"{check.name} up", key))
            if check.critical and self.severity == "warning":
                found[-1] = found[-1].model_copy(update={"severity": "critical"})
        return found


class HeartbeatLate(BaseRule):
    """A CarBot job whose heartbeat is overdue by more than its grace, or reported a failure.

    Fires once (the engine notifies on the transition) and resolves on the next success ping.
    A heartbeat that never pinged (`new`) is not judged.
    """

    name = "heartbeat_late"
    title = "Job heartbeat missing"
    unit = "min"
    default_threshold = 0.0  # the grace of each heartbeat is its threshold
    threshold_range = (-1.0, float("inf"))

    def observe(self, ctx: RuleContext) -> list[Observation]:
        from lib.checks.heartbeats import heartbeat_status
        from lib.checks.store import heartbeat_rows

        beats = ctx.monitor_config().heartbeats
        if not beats:
            return []
        rows = heartbeat_rows(ctx.store)
        found = []
        for beat in beats:
            key = f"{self.name}:{beat.name}"
            status = heartbeat_status(beat, rows.get(beat.name), ctx.now)
            grace_min = beat.grace / 60
            state: ObservedState = {"down": "firing", "up": "ok", "late": "settling"}.get(
                status.state, "unknown"
            )
            overdue = status.overdue_min
            found.append(self.observation(state, overdue, status.message, key, grace_min))
        return found
