"""Security rules: failed login attempts, from Supabase's Auth logs or a configurable table."""

from __future__ import annotations

from lib.alerts.rules.base import HOUR, BaseRule, Observation, RuleContext
from lib.core.monitor_config import TableSource
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
