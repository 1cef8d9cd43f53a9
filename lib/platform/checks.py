"""What the Management API answers means: backup age and PITR, advisor findings, failed logins."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel

from lib.platform.management import BackupsResponse, Lint, ManagementClient

FINDING_LEVELS = ("ERROR", "WARN")
# Lints about a table readable through the API without row level security: critical when the
# table holds rows (the advisor cannot tell, so the rule asks the store for an estimate).
RLS_LINTS = ("rls_disabled_in_public", "policy_exists_rls_disabled")


class BackupState(BaseModel):
    """The backups of the project as the backup_stale rule and /api/health/database see them."""

    state: Literal["ok", "not_configured"]
    pitr_enabled: bool
    walg_enabled: bool
    latest_completed_at: datetime | None = None
    age_h: float | None = None
    failed_recent: int = 0
    reason: str | None = None


def backup_state(body: BackupsResponse, now: datetime, lookback_h: float = 72) -> BackupState:
    """Newest COMPLETED backup's age; no backups and no PITR at all is a free-plan project."""
    completed = [b.inserted_at for b in body.backups if b.status == "COMPLETED"]
    since = now - timedelta(hours=lookback_h)
    failed = sum(1 for b in body.backups if b.status == "FAILED" and b.inserted_at >= since)
    if not body.backups and not body.pitr_enabled:
        return BackupState(
            state="not_configured",
            pitr_enabled=False,
            walg_enabled=body.walg_enabled,
            reason="the project has no backups (Free plan projects get none); "
            "export with `supabase db dump` or upgrade",
        )
    latest = max(completed) if completed else None
    return BackupState(
        state="ok",
        pitr_enabled=body.pitr_enabled,
        walg_enabled=body.walg_enabled,
        latest_completed_at=latest,
        age_h=None if latest is None else round((now - latest).total_seconds() / 3600, 2),
        failed_recent=failed,
    )


def findings(lints: list[Lint]) -> list[Lint]:
    """Lints that count as findings: ERROR and WARN (INFO is advice, not a problem)."""
    return [lint for lint in lints if lint.level in FINDING_LEVELS]


def mask_ip(ip: str) -> str:
    """An IP as stored or sent (GDPR): truncated to its IPv4 /24 or IPv6 /48 network.

    Truncation, not a hash: an unsalted hash of an IPv4 address is reversed by trying all 2^32.
    """
    if ":" in ip:
        return ":".join(ip.split(":")[:3]) + "::/48"
    if ip.count(".") == 3:
        return ".".join(ip.split(".")[:3]) + ".0/24"
    return "unknown"


# ClickHouse SQL over the unified `logs` table (the current logs endpoint accepts nothing else).
# Documented by Supabase (supabase/supabase PR #49299, the clickhouse-logs-queries skill): the
# table `logs`, its columns `timestamp`, `source`, `log_attributes`, and `source = 'auth_logs'`.
# Inferred, not documented: the keys `error_code` (GoTrue logs a failed password grant with
# `invalid_credentials`; public code bases read it) and `remote_addr` (GoTrue's request log field).
# Evidence and what a refused query shows: docs/operations.md, "Supabase platform watch".
FAILED_LOGINS_SQL = """
SELECT log_attributes['remote_addr'] AS ip, count() AS attempts
FROM logs
WHERE source = 'auth_logs'
  AND log_attributes['error_code'] = 'invalid_credentials'
  AND timestamp >= toDateTime64('{start}', 6, 'UTC')
  AND timestamp < toDateTime64('{end}', 6, 'UTC')
GROUP BY ip
ORDER BY attempts DESC
LIMIT 1000
""".strip()
# "The timestamp range must be no more than 24 hours" (the logs.all operation's description).
MAX_LOG_RANGE = timedelta(hours=24)


class FailedLoginCount(BaseModel):
    total: int
    top: list[tuple[str, int]]  # masked IP, attempts


def log_windows(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """[start, end) in UTC pieces of at most 24 hours (a local day can last 25)."""
    utc_start, utc_end = start.astimezone(UTC), end.astimezone(UTC)
    windows = []
    while utc_start < utc_end:
        stop = min(utc_start + MAX_LOG_RANGE, utc_end)
        windows.append((utc_start, stop))
        utc_start = stop
    return windows


def failed_logins(
    client: ManagementClient, start: datetime, end: datetime, top: int = 5
) -> FailedLoginCount:
    """Failed password logins in [start, end), total and the busiest client IPs (masked).

    A refused query raises PlatformError: the count is unknown then, never 0.
    """
    fmt = "%Y-%m-%d %H:%M:%S"
    per_network: Counter[str] = Counter()
    for since, until in log_windows(start, end):
        sql = FAILED_LOGINS_SQL.format(start=since.strftime(fmt), end=until.strftime(fmt))
        for row in client.logs(sql, since, until):
            per_network[mask_ip(str(row.get("ip") or ""))] += int(row.get("attempts") or 0)
    return FailedLoginCount(total=sum(per_network.values()), top=per_network.most_common(top))
