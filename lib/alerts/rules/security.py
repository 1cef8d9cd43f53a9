"""Security rules: failed login attempts counted from a configurable CarBot table."""

from __future__ import annotations

from lib.alerts.rules.base import HOUR, BaseRule, Observation, RuleContext
from lib.core.monitor_config import TableSource


class FailedLogins(BaseRule):
    """Failed logins in the last hour, counted in SQL from a configurable CarBot table."""

    name = "failed_logins"
    title = "Failed login attempts"
    unit = "per hour"
    default_threshold = 50.0
    default_severity = "critical"
    options_taken = frozenset({"source"})

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
