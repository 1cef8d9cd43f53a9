"""SPEC §6 alert rules: one small class per rule behind one Protocol, defaults from the guide."""

from __future__ import annotations

import ssl
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal, Protocol

from pydantic import BaseModel

from lib import store as store_module
from lib.config import ConfigError, Settings
from lib.monitor_config import MonitorConfig, RuleOverride, TableSource
from lib.notify.message import format_time
from lib.store import DatabaseStats, Store, StoreError

ObservedState = Literal["firing", "ok", "settling", "unknown", "not_configured"]
Severity = Literal["critical", "warning", "info"]

HOUR = timedelta(hours=1)
# A database check older than this says nothing about query time now (cron runs every 5 min).
RECENT_CHECK = timedelta(minutes=10)


class Observation(BaseModel):
    """What one rule saw for one alert key. `settling` and `unknown` leave the state as it is."""

    key: str
    rule: str
    title: str
    state: ObservedState
    severity: Severity
    threshold: float
    unit: str
    value: float | None = None
    message: str = ""


@dataclass
class RuleContext:
    """What rules may read: the store, settings, the clock, and which cron is asking."""

    store: Store
    settings: Settings
    now: datetime
    current_job: str | None = None  # a cron does not judge its own lateness
    ssl_context: ssl.SSLContext | None = None  # tests trust their own CA
    _metrics: dict[date, dict[str, float]] = field(default_factory=dict)
    _database_stats: dict[float, DatabaseStats] = field(default_factory=dict)

    @property
    def yesterday(self) -> date:
        """The last complete day in METRICS_TIMEZONE: what the daily metrics cron computes."""
        return self.now.astimezone(self.settings.metrics_timezone).date() - timedelta(days=1)

    def metrics(self, day: date) -> dict[str, float]:
        if day not in self._metrics:
            self._metrics[day] = self.store.metrics_of_day(day)
        return self._metrics[day]

    def database_stats(self, slow_ms: float) -> DatabaseStats:
        """monitoring_database_stats (a heavy call), fetched once per run and slow_ms."""
        if slow_ms not in self._database_stats:
            self._database_stats[slow_ms] = self.store.database_stats(slow_ms)
        return self._database_stats[slow_ms]

    def database_size(self) -> int:
        """Bytes the database uses: from stats this run already fetched, whatever their slow_ms
        (only the slow query list depends on it)."""
        fetched = next(iter(self._database_stats.values()), None)
        return (fetched or self.store.database_stats()).storage_bytes


class Rule(Protocol):
    """One SPEC §6 rule: a name, its configured threshold and severity, and `observe`."""

    name: str
    title: str
    unit: str
    threshold: float
    severity: Severity
    daily: bool  # evaluated by the daily metrics cron too

    def observe(self, ctx: RuleContext) -> list[Observation]: ...


@dataclass
class BaseRule:
    """Shared fields; subclasses set the class attributes and implement `observe`."""

    threshold: float
    severity: Severity
    options: RuleOverride = field(default_factory=RuleOverride)

    name = ""
    title = ""
    unit = ""
    daily = False
    default_threshold = 0.0
    default_severity: Severity = "warning"
    threshold_range: tuple[float, float] = (0.0, float("inf"))

    def observation(
        self,
        state: ObservedState,
        value: float | None = None,
        message: str = "",
        key: str | None = None,
        threshold: float | None = None,
    ) -> Observation:
        """`threshold` when the key has its own (a cron job's hours), else the rule's."""
        instance = key.partition(":")[2] if key else ""
        return Observation(
            key=key or self.name,
            rule=self.name,
            title=f"{self.title} ({instance})" if instance else self.title,
            state=state,
            severity=self.severity,
            threshold=self.threshold if threshold is None else threshold,
            unit=self.unit,
            value=None if value is None else round(value, 3),
            message=message,
        )

    def above(
        self, value: float, message: str, key: str | None = None, threshold: float | None = None
    ) -> Observation:
        """Fires when value > threshold (every rule but the certificate)."""
        limit = self.threshold if threshold is None else threshold
        return self.observation("firing" if value > limit else "ok", value, message, key, limit)


def _pct(part: float, whole: float) -> float:
    return 100.0 * part / whole


class PaymentFailureRate(BaseRule):
    """Failed / (succeeded + failed) Stripe charges of yesterday, from the daily metrics."""

    name = "payment_failure_rate"
    title = "Payment failure rate"
    unit = "%"
    daily = True
    default_threshold = 5.0
    default_severity = "critical"
    threshold_range = (0.0, 100.0)

    def observe(self, ctx: RuleContext) -> list[Observation]:
        day = ctx.yesterday
        m = ctx.metrics(day)
        if "payments_failed" in m and "payments_succeeded" in m:
            total = m["payments_failed"] + m["payments_succeeded"]
            if total == 0:
                return [self.observation("ok", None, f"no payments on {day}")]
            rate = _pct(m["payments_failed"], total)
        elif "payment_success_pct" in m:
            rate = 100.0 - m["payment_success_pct"]
        else:
            return [self.observation("unknown", None, f"no payment metrics for {day}")]
        return [self.above(rate, f"{rate:.1f} % of payments failed on {day}")]


class EmailBounceRate(BaseRule):
    """Bounced / sent e-mails of yesterday (Resend metrics, from the daily metrics)."""

    name = "email_bounce_rate"
    title = "E-mail bounce rate"
    unit = "%"
    daily = True
    default_threshold = 10.0
    threshold_range = (0.0, 100.0)

    def observe(self, ctx: RuleContext) -> list[Observation]:
        day = ctx.yesterday
        m = ctx.metrics(day)
        if "email_bounce_pct" in m:
            rate = m["email_bounce_pct"]
        elif "emails_bounced" in m and m.get("emails_sent"):
            rate = _pct(m["emails_bounced"], m["emails_sent"])
        else:
            return [self.observation("unknown", None, f"no e-mail metrics for {day}")]
        return [self.above(rate, f"{rate:.1f} % of e-mails bounced on {day}")]


class OpenAICostIncrease(BaseRule):
    """OpenAI cost of yesterday against the day before, in percent."""

    name = "openai_cost_increase"
    title = "OpenAI cost day over day"
    unit = "%"
    daily = True
    default_threshold = 50.0

    def observe(self, ctx: RuleContext) -> list[Observation]:
        day = ctx.yesterday
        before = day - timedelta(days=1)
        cost, previous = (
            ctx.metrics(day).get("openai_cost_usd"),
            ctx.metrics(before).get("openai_cost_usd"),
        )
        if cost is None or previous is None:
            return [self.observation("unknown", None, f"no OpenAI cost for {before} and {day}")]
        if previous <= 0:
            return [self.observation("unknown", None, f"no OpenAI cost on {before} to compare")]
        change = _pct(cost - previous, previous)
        return [
            self.above(
                change, f"OpenAI cost {previous:.2f} → {cost:.2f} USD ({change:+.0f} %) on {day}"
            )
        ]


class DatabaseStorage(BaseRule):
    """Database size against DB_STORAGE_QUOTA_MB: yesterday's metric, else measured now."""

    name = "database_storage"
    title = "Database storage"
    unit = "%"
    daily = True
    default_threshold = 80.0
    threshold_range = (0.0, 100.0)

    def observe(self, ctx: RuleContext) -> list[Observation]:
        if not store_module.configured(ctx.settings):
            return [self.observation("not_configured", None, "no database configured")]
        pct = ctx.metrics(ctx.yesterday).get("db_storage_pct")
        if pct is None:
            pct = _pct(ctx.database_size(), ctx.settings.db_storage_quota_bytes)
        quota = ctx.settings.db_storage_quota_mb
        return [self.above(pct, f"database uses {pct:.1f} % of its {quota} MB quota")]


class DatabaseConnectionErrors(BaseRule):
    """Failed database checks in the last hour (the monitor's own probes, from check history)."""

    name = "database_connection_errors"
    title = "Database connection errors"
    unit = "per hour"
    default_threshold = 10.0
    default_severity = "critical"

    def observe(self, ctx: RuleContext) -> list[Observation]:
        if not store_module.configured(ctx.settings):
            return [self.observation("not_configured", None, "no database configured")]
        checks = ctx.store.checks_since("database", ctx.now - HOUR)
        failed = sum(1 for c in checks if c.status == "down" and c.checked_at <= ctx.now)
        return [self.above(failed, f"{failed} failed database checks in the last hour")]


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

    def observe(self, ctx: RuleContext) -> list[Observation]:
        from lib.health import HEALTH_PROBES

        configured = {p.name for p in HEALTH_PROBES if p.configured(ctx.settings)}
        found = []
        for service in sorted(ctx.settings.critical_services):
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


class FailedLogins(BaseRule):
    """Failed logins in the last hour, counted in SQL from a configurable CarBot table."""

    name = "failed_logins"
    title = "Failed login attempts"
    unit = "per hour"
    default_threshold = 50.0
    default_severity = "critical"

    def observe(self, ctx: RuleContext) -> list[Observation]:
        source: TableSource | None = self.options.source
        if source is None:
            return [self.observation("not_configured", None, "set [alerts.failed_logins] source")]
        count = ctx.store.count_rows(
            source.table,
            source.column,
            ctx.now - HOUR,
            ctx.now,
            source.filter_column,
            source.filter_value,
        )
        if count is None:
            return [self.observation("unknown", None, f"table {source.table} not found")]
        return [self.above(count, f"{count} failed logins in the last hour")]


class DatabaseQueryTime(BaseRule):
    """Slowest query: pg_stat_statements mean time when present, else the probe's round trip."""

    name = "database_query_time"
    title = "Database query time"
    unit = "s"
    default_threshold = 2.0

    def observe(self, ctx: RuleContext) -> list[Observation]:
        if not store_module.configured(ctx.settings):
            return [self.observation("not_configured", None, "no database configured")]
        stats = ctx.database_stats(self.threshold * 1000)
        slowest = max((float(q.get("mean_ms", 0)) for q in stats.slow_queries), default=None)
        # The latest check of the last minutes through the (service, time) index: the store's
        # latest_checks() scans the whole history.
        recent = ctx.store.checks_since("database", ctx.now - RECENT_CHECK)
        latest = next((c for c in reversed(recent) if c.checked_at <= ctx.now), None)
        probe = None
        if latest is not None and latest.status != "down" and latest.latency_ms is not None:
            probe = latest.latency_ms
        candidates = [v for v in (slowest, probe) if v is not None]
        if not candidates:
            return [self.observation("unknown", None, "no query timing available")]
        seconds = max(candidates) / 1000
        where = "slowest statement (mean)" if slowest == max(candidates) else "probe round trip"
        return [self.above(seconds, f"{where} took {seconds:.2f} s")]


HEALTH_CHECK_LATE_H = 1.0


class CronLate(BaseRule):
    """A cron job with no successful run within its period + grace (the monitor's own crons)."""

    name = "cron_late"
    title = "Cron job late"
    unit = "h"
    daily = True
    default_threshold = 26.0  # a daily job: 24 h period + 2 h grace
    threshold_range = (24.0, float("inf"))

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


RULE_CLASSES: tuple[type[BaseRule], ...] = (
    PaymentFailureRate,
    DatabaseConnectionErrors,
    ServiceUnresponsive,
    FailedLogins,
    OpenAICostIncrease,
    EmailBounceRate,
    DatabaseQueryTime,
    DatabaseStorage,
    CronLate,
    TlsExpiry,
)
RULES_BY_NAME: dict[str, type[BaseRule]] = {cls.name: cls for cls in RULE_CLASSES}


def build_rules(config: MonitorConfig) -> list[BaseRule]:
    """Every enabled rule with its configured threshold and severity; bad overrides are errors."""
    unknown = sorted(set(config.alerts) - set(RULES_BY_NAME))
    if unknown:
        raise ConfigError(
            f"MONITOR_CONFIG: unknown alert rule {', '.join(unknown)}; "
            f"known: {', '.join(RULES_BY_NAME)}"
        )
    rules = []
    for cls in RULE_CLASSES:
        override = config.alerts.get(cls.name, RuleOverride())
        threshold = cls.default_threshold if override.threshold is None else override.threshold
        low, high = cls.threshold_range
        if not low < threshold <= high:
            bound = f"between {low:g} and {high:g}" if high != float("inf") else f"above {low:g}"
            raise ConfigError(
                f"MONITOR_CONFIG: [alerts.{cls.name}] threshold must be {bound} {cls.unit}"
            )
        if override.source is not None and cls is not FailedLogins:
            raise ConfigError(f"MONITOR_CONFIG: [alerts.{cls.name}] takes no source")
        if override.jobs is not None and cls is not CronLate:
            raise ConfigError(f"MONITOR_CONFIG: [alerts.{cls.name}] takes no jobs")
        if override.jobs and any(hours <= 0 for hours in override.jobs.values()):
            raise ConfigError(f"MONITOR_CONFIG: [alerts.{cls.name}] job limits must be > 0 h")
        if override.enabled:
            severity = override.severity or cls.default_severity
            rules.append(cls(threshold=threshold, severity=severity, options=override))
    return rules


def disabled_rules(config: MonitorConfig) -> set[str]:
    return {name for name, override in config.alerts.items() if not override.enabled}


def observe_all(rules: list[BaseRule], ctx: RuleContext) -> list[Observation]:
    """Every rule's observations; a rule whose source fails is `unknown`, never a crash."""
    found: list[Observation] = []
    for rule in rules:
        found.extend(_observe_safely(rule, ctx))
    return found


def _observe_safely(rule: BaseRule, ctx: RuleContext) -> list[Observation]:
    observe: Callable[[RuleContext], list[Observation]] = rule.observe  # type: ignore[attr-defined]
    try:
        return observe(ctx)
    except StoreError as error:
        return [rule.observation("unknown", None, f"source unavailable: {error.reason}")]
    except Exception as error:  # noqa: BLE001 - one broken rule must not stop the others
        print(f"alert rule {rule.name} failed: {type(error).__name__}", file=sys.stderr)
        return [rule.observation("unknown", None, "unexpected error")]
