"""Service rules: a critical service unresponsive, any other service down, past a threshold."""

from __future__ import annotations

from datetime import timedelta

from lib.alerts.rules.base import BaseRule, Observation, ObservedState, RuleContext
from lib.notify.message import format_time


class ServiceUnresponsive(BaseRule):
    """A critical service down continuously for longer than the threshold (minutes).

    Measured from the first failure of the current streak (store.down_since), so it works at any
    check frequency. It resolves only after a whole threshold-long window without a failure, so
    a flapping service does not notify on every flip.
    """

    name = "service_unresponsive"
    title = "Critical service unresponsive"
    unit = "min"
    default_threshold = 2.0
    default_severity = "critical"

    def watched(self, ctx: RuleContext) -> list[str]:
        return sorted(ctx.settings.critical_services)

    def observe(self, ctx: RuleContext) -> list[Observation]:
        from lib.probes.health import HEALTH_PROBES

        configured = {p.name for p in HEALTH_PROBES if p.configured(ctx.settings)}
        found = []
        for service in self.watched(ctx):
            key = f"{self.name}:{service}"
            if service not in configured:
                found.append(
                    self.observation("not_configured", None, f"{service} is not configured", key)
                )
                continue
            since = ctx.store.down_since(service)
            if since is not None:
                minutes = max(0.0, (ctx.now - since).total_seconds() / 60)
                state: ObservedState = "firing" if minutes > self.threshold else "settling"
                message = f"{service} down for {minutes:.1f} min (since {format_time(since)})"
                found.append(self.observation(state, minutes, message, key))
                continue
            window = ctx.now - timedelta(minutes=self.threshold)
            recent = ctx.store.checks_since(service, window)
            if any(c.status == "down" for c in recent):
                found.append(self.observation("settling", 0.0, f"{service} recovering", key))
            else:
                found.append(self.observation("ok", 0.0, f"{service} answering", key))
        return found


class ServiceDown(ServiceUnresponsive):
    """A service outside CRITICAL_SERVICES down continuously for longer than the threshold.

    Stripe or Resend being down does not make the system unhealthy, but someone has to know:
    the same streak measure as the critical rule, a longer default and a lower severity.
    """

    name = "service_down"
    title = "Service down"
    default_threshold = 10.0
    default_severity = "warning"

    def watched(self, ctx: RuleContext) -> list[str]:
        from lib.probes.health import HEALTH_PROBES

        return sorted({p.name for p in HEALTH_PROBES} - ctx.settings.critical_services)
