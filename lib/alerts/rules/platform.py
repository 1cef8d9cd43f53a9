"""Supabase platform rules (Management API): stale backups, security advisor findings."""

from __future__ import annotations

from collections import defaultdict

from lib.alerts.rules.base import BaseRule, Observation, RuleContext
from lib.platform import management
from lib.platform.checks import RLS_LINTS, backup_state, findings
from lib.platform.management import Lint, ManagementClient, PlatformError
from lib.store import StoreError

# A table whose total size is above this holds rows (an empty table with a primary key is 8 kB).
HOLDS_DATA_BYTES = 16 * 1024


class BackupStale(BaseRule):
    """No COMPLETED backup within `threshold` hours and no PITR; PITR off on a paid plan warns."""

    name = "backup_stale"
    title = "Database backup stale"
    unit = "h"
    daily = True
    default_threshold = 26.0
    default_severity = "critical"

    def observe(self, ctx: RuleContext) -> list[Observation]:
        missing = management.missing(ctx.settings)
        if missing is not None:
            return [self.observation("not_configured", None, missing)]
        try:
            state = backup_state(ManagementClient(ctx.settings).backups(), ctx.now)
        except PlatformError as error:
            return [self.observation("unknown", None, f"management api: {error.reason}")]
        if state.state == "not_configured":
            return [self.observation("not_configured", None, state.reason or "")]
        failed = f"; {state.failed_recent} failed backup(s) in 72 h" if state.failed_recent else ""
        if state.pitr_enabled:
            return [self.observation("ok", state.age_h, "point-in-time recovery is on" + failed)]
        if state.age_h is None or state.age_h > self.threshold:
            age = (
                "no completed backup" if state.age_h is None else f"newest {state.age_h:.0f} h old"
            )
            return [self.observation("firing", state.age_h, f"{age}, PITR off{failed}")]
        if ctx.monitor_config().platform.warn_without_pitr:
            observation = self.observation(
                "firing",
                state.age_h,
                f"daily backups only (newest {state.age_h:.0f} h old): "
                f"point-in-time recovery is off{failed}",
            )
            return [observation.model_copy(update={"severity": "warning"})]
        message = f"newest backup {state.age_h:.0f} h old{failed}"
        return [self.observation("ok", state.age_h, message)]


class SecurityAdvisor(BaseRule):
    """One key per ERROR/WARN security lint name; critical for RLS off on a table with data."""

    name = "security_advisor"
    title = "Supabase security advisor"
    unit = "findings"
    daily = True
    default_threshold = 1.0  # shown only: every ERROR/WARN lint fires
    default_severity = "warning"

    def observe(self, ctx: RuleContext) -> list[Observation]:
        missing = management.missing(ctx.settings)
        if missing is not None:
            return [self.observation("not_configured", None, missing)]
        try:
            lints = findings(ManagementClient(ctx.settings).advisors("security"))
        except PlatformError as error:
            return [self.observation("unknown", None, f"management api: {error.reason}")]
        by_name: dict[str, list[Lint]] = defaultdict(list)
        for lint in lints:
            by_name[lint.name].append(lint)
        sizes = _table_sizes(ctx)
        found = []
        for name, group in sorted(by_name.items()):
            entities = [lint.entity or "?" for lint in group]
            message = f"{group[0].title or name}: {', '.join(entities[:5])}"
            if group[0].remediation:
                message += f" (see {group[0].remediation})"
            observation = self.observation("firing", len(group), message, f"{self.name}:{name}")
            if name in RLS_LINTS and any(sizes.get(e, 0) > HOLDS_DATA_BYTES for e in entities):
                observation = observation.model_copy(update={"severity": "critical"})
            found.append(observation)
        # Lints fixed since the last run: their keys resolve.
        for key in _open_keys(ctx, self.name):
            if key.partition(":")[2] not in by_name:
                found.append(self.observation("ok", 0.0, "no longer reported", key))
        if not found:
            found.append(self.observation("ok", 0.0, "no security findings"))
        return found


def _table_sizes(ctx: RuleContext) -> dict[str, int]:
    """`public.<table>` -> bytes of the largest tables; empty when the store cannot tell."""
    try:
        tables = ctx.database_stats(2000).largest_tables
    except StoreError:
        return {}
    return {f"public.{t['table']}": int(t["bytes"]) for t in tables}


def _open_keys(ctx: RuleContext, rule: str) -> list[str]:
    return [
        key
        for key, row in ctx.store.alerts().items()
        if key.startswith(rule + ":") and row.state != "ok"
    ]
