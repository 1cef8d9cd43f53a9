"""Operations rules: the monitor's own crons on time, the site's TLS certificate not expiring."""

from __future__ import annotations

from lib.alerts.rules.base import BaseRule, Observation, ObservedState, RuleContext

HEALTH_CHECK_LATE_H = 1.0
# Every cron job of the monitor (api/cron/<job>.py); `[alerts.cron_late] jobs` may name only
# these, so a misspelled job is an error rather than a limit nobody checks.
CRON_JOBS: tuple[str, ...] = ("health_check", "daily_metrics", "weekly_report", "monthly_report")


class CronLate(BaseRule):
    """A cron job with no successful run within its period + grace (the monitor's own crons)."""

    name = "cron_late"
    title = "Cron job late"
    unit = "h"
    daily = True
    default_threshold = 26.0  # a daily job: 24 h period + 2 h grace
    threshold_range = (24.0, float("inf"))
    options_taken = frozenset({"jobs"})

    def limits(self) -> dict[str, float]:
        # Only the jobs vercel.json schedules; the 5-minute health check gets an hour of grace.
        limits = {"daily_metrics": self.threshold, "health_check": HEALTH_CHECK_LATE_H}
        return {**limits, **(self.options.jobs or {})}

    def observe(self, ctx: RuleContext) -> list[Observation]:
        status = ctx.store.cron_status()
        found = []
        for job, hours in sorted(self.limits().items()):
            key = f"{self.name}:{job}"
            if job == ctx.current_job:  # it is running: neither late nor on time
                found.append(self.observation("settling", None, f"{job} is running", key))
                continue
            seen = status.get(job)
            if seen is None or seen.last_started_at is None:
                found.append(self.observation("unknown", None, f"{job} has never run", key))
                continue
            last = seen.last_success_at or seen.last_started_at
            age = (ctx.now - last).total_seconds() / 3600
            what = "last success" if seen.last_success_at else "no success since first run"
            message = f"{job}: {what} {age:.1f} h ago (limit {hours:g} h)"
            if seen.abandoned_7d:  # runs killed at maxDuration or by a database failure
                message += f"; {seen.abandoned_7d} run(s) abandoned in 7 days"
            found.append(self.above(age, message, key, threshold=hours))
        return found


class TlsExpiry(BaseRule):
    """Days until the certificate of SITE_URL expires, from a real TLS handshake."""

    name = "tls_expiry"
    title = "TLS certificate expiry"
    unit = "days"
    default_threshold = 14.0

    def observe(self, ctx: RuleContext) -> list[Observation]:
        from lib.alerts.tls import TlsUnavailable, check_certificate

        if ctx.settings.site_url is None:
            return [self.observation("not_configured", None, "SITE_URL is not set")]
        try:
            cert = check_certificate(str(ctx.settings.site_url), context=ctx.ssl_context)
        except TlsUnavailable as error:
            return [self.observation("unknown", None, str(error))]
        days = cert.days_left(ctx.now)
        expires = cert.not_after.date().isoformat()
        if cert.invalid_reason is not None:
            return [self.observation("firing", days, f"{cert.invalid_reason} (expires {expires})")]
        state: ObservedState = "firing" if days < self.threshold else "ok"
        return [self.observation(state, days, f"certificate expires {expires} ({days:.1f} days)")]
