"""Daily platform metrics (docs/metrics.md): backup age, advisor findings, failed logins."""

from __future__ import annotations

from datetime import UTC, datetime

from lib.core.not_configured import NotConfigured
from lib.metrics import SourceContext, SourceError
from lib.platform import management
from lib.platform.checks import backup_state, failed_logins, findings
from lib.platform.management import ManagementClient, PlatformError


class PlatformSnapshot:
    """Backups and advisors now: a snapshot, so only for the day that just ended."""

    name = "supabase_platform"
    uses_store = False

    def missing(self, ctx: SourceContext) -> NotConfigured | str | None:
        if not ctx.latest:
            return "a snapshot: measured only for the day that just ended"
        return management.not_configured(ctx.settings)

    def collect(self, ctx: SourceContext) -> dict[str, float]:
        client = ManagementClient(ctx.settings, timeout_s=ctx.timeout(5.0))
        values: dict[str, float] = {}
        try:
            backups = backup_state(client.backups(), datetime.now(UTC))
            if backups.age_h is not None:  # a free project has no age, not a fake 0
                values["db_backup_age_h"] = backups.age_h
            ctx.check_deadline("supabase advisors")
            values["security_findings"] = len(findings(client.advisors("security")))
            values["performance_findings"] = len(findings(client.advisors("performance")))
        except PlatformError as error:
            if not values:
                raise SourceError(f"supabase management api: {error.reason}") from None
        return values


class AuthFailedLogins:
    """Failed password logins of the day, from the Auth logs (the logs endpoint)."""

    name = "supabase_auth_logs"
    uses_store = False

    def missing(self, ctx: SourceContext) -> NotConfigured | str | None:
        if not ctx.config.platform.failed_logins_from_auth_logs:
            return "[platform] failed_logins_from_auth_logs is false"
        return management.not_configured(ctx.settings)

    def collect(self, ctx: SourceContext) -> dict[str, float]:
        client = ManagementClient(ctx.settings, timeout_s=ctx.timeout(8.0))
        try:
            counted = failed_logins(client, ctx.window.start, ctx.window.end)
        except PlatformError as error:
            raise SourceError(f"supabase auth logs: {error.reason}") from None
        return {"failed_logins": float(counted.total)}


SOURCES = (PlatformSnapshot(), AuthFailedLogins())
