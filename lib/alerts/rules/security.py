"""Security rules: failed logins (Auth logs or a table); rate limits, 4xx, abuse, geography."""

from __future__ import annotations

from datetime import datetime

from lib.alerts.rules.anomalies import Baseline
from lib.alerts.rules.base import HOUR, BaseRule, Observation, RuleContext
from lib.core.monitor_config import TableSource
from lib.drains.signals import VisitorSignals
from lib.platform import management
from lib.platform.checks import failed_logins
from lib.platform.management import ManagementClient, PlatformError


class FailedLogins(BaseRule):
    """Failed logins in the last hour: a configured table, else the Auth logs (with a token).

    Supabase Auth records no failed password login in `auth.audit_log_entries`; its Auth logs
    do, read through the Management API's logs endpoint (lib/platform/checks.py).
    """

    name = "failed_logins"
    title = "Failed login attempts"
    unit = "per hour"
    default_threshold = 50.0
    default_severity = "critical"
    options_taken = frozenset({"source"})

    def observe(self, ctx: RuleContext) -> list[Observation]:
        source: TableSource | None = self.options.source
        if source is not None:
            return self._from_table(ctx, source)
        platform = ctx.monitor_config().platform
        if platform.failed_logins_from_auth_logs and management.missing(ctx.settings) is None:
            return self._from_auth_logs(ctx, platform.top_ips)
        return [
            self.observation(
                "not_configured",
                None,
                "set SUPABASE_ACCESS_TOKEN (Auth logs) or [alerts.failed_logins] source",
            )
        ]

    def _from_table(self, ctx: RuleContext, source: TableSource) -> list[Observation]:
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

    def _from_auth_logs(self, ctx: RuleContext, top: int) -> list[Observation]:
        try:
            counted = failed_logins(ManagementClient(ctx.settings), ctx.now - HOUR, ctx.now, top)
        except PlatformError as error:
            return [self.observation("unknown", None, f"auth logs: {error.reason}")]
        networks = ", ".join(f"{network} ({n})" for network, n in counted.top)
        message = f"{counted.total} failed logins in the last hour (Auth logs)"
        return [self.above(counted.total, message + (f"; top: {networks}" if networks else ""))]


# -- the edge: Vercel's log drain (lib/drains/edge_security.py) and Web Analytics drain -----------
# All four read RuleContext.visitor_signals(): one store call a run for all of them.
BASELINE_HOURS = 28 * 24
HISTORY_DAYS = 28
MIN_BASELINE_DAYS = 7  # fewer days of data: no baseline to judge against


def _hour(at: datetime) -> datetime:
    return at.replace(minute=0, second=0, microsecond=0)


def _no_edge(rule: BaseRule, signals: VisitorSignals) -> Observation | None:
    if signals.edge_first is None:
        return rule.observation("not_configured", None, "no Vercel log drain data (Pro plan)")
    return None


class RateLimitViolations(BaseRule):
    """Requests the firewall rate-limited or denied in the current or last hour, against the
    threshold and the 4-week hourly baseline (median + 3 · 1.4826 · MAD), whichever is higher."""

    name = "rate_limit_violations"
    title = "Rate limit violations"
    unit = "per hour"
    default_threshold = 50.0

    def observe(self, ctx: RuleContext) -> list[Observation]:
        signals = ctx.visitor_signals()
        if (missing := _no_edge(self, signals)) is not None:
            return [missing]
        per_hour = {_hour(at): n for at, n in signals.violations}
        now = _hour(ctx.now)
        value = max(per_hour.get(now, 0), per_hour.get(now - HOUR, 0))
        first = max(_hour(signals.edge_first), now - BASELINE_HOURS * HOUR)  # type: ignore[arg-type]
        past = [per_hour.get(first + k * HOUR, 0) for k in range(int((now - first) / HOUR) - 1)]
        usual = Baseline(past) if len(past) >= 24 else None
        limit = self.threshold
        if usual is not None:
            limit = max(limit, usual.median + usual.band(3.0))
        tops = "; ".join(
            f"{what}: " + ", ".join(f"{k} ({n})" for k, n in found)
            for what, found in (("networks", signals.top_networks), ("routes", signals.top_routes))
            if found
        )
        message = (
            f"{value} requests rate-limited or denied by the Vercel firewall in the hour "
            f"(fires above {limit:g}"
            + (f"; usual {usual.median:g} an hour" if usual is not None else "")
            + ")"
            + (f"; {tops}" if tops else "")
        )
        return [self.above(value, message, threshold=limit)]


class ClientErrorRate(BaseRule):
    """Share of requests answered 4xx over the last 15 minutes: broken links and auth bugs."""

    name = "client_error_rate"
    title = "Client error rate (4xx)"
    unit = "%"
    default_threshold = 10.0
    threshold_range = (0.0, 100.0)
    options_taken = frozenset({"min_requests"})

    def observe(self, ctx: RuleContext) -> list[Observation]:
        signals = ctx.visitor_signals()
        if (missing := _no_edge(self, signals)) is not None:
            return [missing]
        counted, errors = signals.client_errors
        requests = counted / ctx.settings.vercel_drain_sampling
        minimum = self.options.min_requests or 100
        if requests < minimum:
            message = f"{requests:.0f} requests in 15 min (judged from {minimum})"
            return [self.observation("ok", None, message)]
        rate = 100 * errors / counted
        message = f"{rate:.1f} % of {requests:.0f} requests answered 4xx in 15 min"
        return [self.above(rate, message)]


class AbuseSuspected(BaseRule):
    """`abuse_suspected:<network>`: one /24 or /48 sends more than the threshold share of a
    route's requests (current and last hour), and more than twice its share of the 4 weeks
    before."""

    name = "abuse_suspected"
    title = "Abuse suspected"
    unit = "%"
    default_threshold = 50.0
    threshold_range = (0.0, 100.0)
    options_taken = frozenset({"min_requests"})

    def observe(self, ctx: RuleContext) -> list[Observation]:
        signals = ctx.visitor_signals()
        if (missing := _no_edge(self, signals)) is not None:
            return [missing]
        minimum = self.options.min_requests or 200
        scale = 1 / ctx.settings.vercel_drain_sampling
        found: dict[str, Observation] = {}
        for c in signals.abuse:
            key = f"{self.name}:{c.network}"
            share = 100 * c.requests / c.route_requests
            usual = (
                100 * c.baseline_requests / c.baseline_route_requests
                if c.baseline_route_requests
                else 0.0
            )
            firing = c.requests * scale >= minimum and share > self.threshold and share > 2 * usual
            message = (
                f"{c.network} sent {c.requests * scale:.0f} of {c.route_requests * scale:.0f} "
                f"requests to {c.route} ({share:.0f} %) in the last two hours; usual {usual:.0f} %"
            )
            seen = found.get(key)
            if seen is None or (firing and seen.state != "firing"):
                state = "firing" if firing else "ok"
                found[key] = self.observation(state, share, message, key)
        for key in signals.abuse_firing:  # gone quiet: resolved, not silenced
            found.setdefault(key, self.observation("ok", 0.0, "no request in two hours", key))
        return list(found.values())


class UnusualGeography(BaseRule):
    """Page views of the last 24 hours from countries outside their 4-week baseline (the
    anomaly rule's median ± threshold · 1.4826 · MAD of the country's daily page views)."""

    name = "unusual_geography"
    title = "Unusual geographic access"
    unit = "page views"
    default_threshold = 3.0
    options_taken = frozenset({"min_requests"})

    def observe(self, ctx: RuleContext) -> list[Observation]:
        signals = ctx.visitor_signals()
        if signals.analytics_first is None:
            return [self.observation("not_configured", None, "no Web Analytics drain data")]
        days = (ctx.now - signals.analytics_first).days
        if days < MIN_BASELINE_DAYS + 1:
            why = f"{days} days of Web Analytics data (the baseline needs {MIN_BASELINE_DAYS})"
            return [self.observation("unknown", None, why)]
        history: dict[str, list[float]] = {}
        for country, day, n in signals.countries_days:
            if 0 <= day < HISTORY_DAYS:
                history.setdefault(country, [0.0] * HISTORY_DAYS)[day] += n
        minimum = self.options.min_requests or 20
        unusual = []
        for country, n in signals.countries_recent:
            usual = Baseline(history.get(country, [0.0] * HISTORY_DAYS)[: max(days - 1, 1)])
            excess = n - usual.median  # at least `min_requests` above usual, and outside the band
            if excess >= minimum and excess > usual.band(self.threshold):
                unusual.append((country, n, usual.median))
        if not unusual:
            return [self.observation("ok", 0.0, "every country within its 4-week baseline")]
        listed = ", ".join(f"{c} {n} (usual {m:g} a day)" for c, n, m in unusual)
        value = float(sum(n for _, n, _ in unusual))
        message = f"page views in 24 h from countries outside their baseline: {listed}"
        return [self.observation("firing", value, message, threshold=float(minimum))]
