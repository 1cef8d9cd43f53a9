"""Deployment rules (Vercel webhooks): failed builds, certificate renewals, the spend budget."""

from __future__ import annotations

from datetime import timedelta

from lib.alerts.rules.base import BaseRule, Observation, RuleContext
from lib.core.clock import CLOCK_SKEW
from lib.deployments.store import Deployment, StoredEvent, events_since, recent_deployments
from lib.deployments.webhook import BUDGET_REACHED, CERTIFICATE_RENEWAL_FAILED
from lib.notify.message import format_time

# Builds older than this are not judged: a preview branch abandoned weeks ago is not an alert.
BUILD_LOOKBACK = timedelta(days=7)
RECENT = 20  # deployments read per target


def webhooks_missing(ctx: RuleContext) -> str | None:
    if ctx.settings.vercel_webhook_secret is None:
        return "VERCEL_WEBHOOK_SECRET is not set (no deployment webhooks)"
    return None


def failed_streak(deployments: list[Deployment]) -> list[Deployment]:
    """The failed builds since the last successful one, newest first (canceled ones skipped)."""
    streak = []
    for deployment in deployments:
        if deployment.state == "error":
            streak.append(deployment)
        elif deployment.state == "ready":
            break
    return streak


class BuildFailed(BaseRule):
    """The latest build of a target failed (and no later build of that target succeeded).

    One key per target: `build_failed:production` at the rule's severity (critical),
    `build_failed:preview` as a warning. Threshold: failed builds in a row (default 1).
    """

    name = "build_failed"
    title = "Build failed"
    unit = "failed builds"
    default_threshold = 1.0
    default_severity = "critical"

    def observe(self, ctx: RuleContext) -> list[Observation]:
        missing = webhooks_missing(ctx)
        if missing is not None:
            return [self.observation("not_configured", None, missing)]
        recent = [
            d
            for d in recent_deployments(ctx.store, None, RECENT * 2)
            # A deployment dated ahead of now (stored before arrival times were enforced)
            # is not "the newest": it would hide every failed build until its date.
            if ctx.now - BUILD_LOOKBACK <= d.created_at <= ctx.now + CLOCK_SKEW
        ]
        found = []
        for target in ("production", "preview"):
            own = [d for d in recent if (d.target == "production") == (target == "production")]
            key = f"{self.name}:{target}"
            streak = failed_streak(own)
            count = float(len(streak))
            if not streak:
                days = BUILD_LOOKBACK.days
                message = (
                    f"last {target} build: {own[0].state}"
                    if own
                    else f"no {target} build in {days} days"
                )
                observation = self.observation("ok", 0.0, message, key)
            else:
                observation = self.observation(
                    "firing" if count >= self.threshold else "ok",
                    count,
                    self._message(streak[0], target, len(streak)),
                    key,
                )
            if target == "preview":
                observation = observation.model_copy(update={"severity": "warning"})
            found.append(observation)
        return found

    @staticmethod
    def _message(latest: Deployment, target: str, count: int) -> str:
        when = format_time(latest.error_at or latest.created_at)
        link = f" {latest.inspect_url}" if latest.inspect_url else ""
        times = f" ({count} in a row)" if count > 1 else ""
        return f"{target} build failed{times}: {latest.describe()} at {when}.{link}"


class _EventRule(BaseRule):
    """Fires while at least `threshold` events of `event_type` arrived within `window`."""

    event_type = ""
    window = timedelta(hours=24)
    unit = "events"
    default_threshold = 1.0

    def observe(self, ctx: RuleContext) -> list[Observation]:
        missing = webhooks_missing(ctx)
        if missing is not None:
            return [self.observation("not_configured", None, missing)]
        events = events_since(ctx.store, [self.event_type], ctx.now - self.window)
        hours = self.window.total_seconds() / 3600
        if not events:
            return [self.observation("ok", 0.0, f"none in the last {hours:g} h")]
        count = float(len(events))
        state = "firing" if count >= self.threshold else "ok"
        return [self.observation(state, count, self.describe(events[0], len(events), hours))]

    def describe(self, latest: StoredEvent, count: int, hours: float) -> str:
        raise NotImplementedError


def _named(value: object, *keys: str) -> str | None:
    """`payload.domain` may be a name or an object with one."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return next((str(value[k]) for k in keys if value.get(k)), None)
    return None


def _domains(payload: dict[str, object], most: int = 5) -> str | None:
    """`payload.dnsNames` as the reference documents it; a `domain` object or name as a fallback."""
    names = payload.get("dnsNames")
    if isinstance(names, list) and names:
        shown = ", ".join(str(n) for n in names[:most])
        return shown + (f" and {len(names) - most} more" if len(names) > most else "")
    return _named(payload.get("domain"), "name", "domain")


class CertificateRenewalFailed(_EventRule):
    """Vercel could not renew a domain's certificate (`domain.certificate.renew.failed`)."""

    name = "certificate_renewal_failed"
    title = "Certificate renewal failed"
    default_severity = "critical"
    event_type = CERTIFICATE_RENEWAL_FAILED
    window = timedelta(hours=72)

    def describe(self, latest: StoredEvent, count: int, hours: float) -> str:
        domain = _domains(latest.payload) or "a domain"
        return (
            f"Vercel could not renew the certificate of {domain} "
            f"({count} failure(s) in {hours:g} h, last {format_time(latest.created_at)}); "
            "check the domain's DNS records in Vercel"
        )


class BudgetReached(_EventRule):
    """Vercel's spend management budget was reached (`budget.reached`)."""

    name = "budget_reached"
    title = "Vercel budget reached"
    default_severity = "warning"
    event_type = BUDGET_REACHED

    def describe(self, latest: StoredEvent, count: int, hours: float) -> str:
        budget = latest.payload.get("budget")
        amount = _named(budget, "amount", "limit", "name") if budget else None
        what = f" ({amount})" if amount else ""
        return (
            f"Vercel reports the spend budget{what} reached at {format_time(latest.created_at)}; "
            "check usage before projects are paused"
        )
