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
# Source filter from the migration note (https://supabase.com/changelog/48235: `source_name`);
# Auth fields are `log_attributes` keys (Logs field reference, Auth: metadata.* minus the prefix):
# GoTrue logs a failed password grant on /token with error_code `invalid_credentials`.
FAILED_LOGINS_SQL = """
SELECT log_attributes['remote_addr'] AS ip, count() AS attempts
FROM logs
WHERE source_name = 'auth_logs'
  AND log_attributes['error_code'] = 'invalid_credentials'
  AND timestamp >= toDateTime64('{start}', 6, 'UTC')
  AND timestamp < toDateTime64('{end}', 6, 'UTC')
GROUP BY ip
ORDER BY attempts DESC
LIMIT 1000
""".strip()


class FailedLoginCount(BaseModel):
    total: int
    top: list[tuple[str, int]]  # masked IP, attempts


def failed_logins(
    client: ManagementClient, start: datetime, end: datetime, top: int = 5
) -> FailedLoginCount:
    """Failed password logins in [start, end), total and the busiest client IPs (masked)."""
    fmt = "%Y-%m-%d %H:%M:%S"
    utc_start, utc_end = start.astimezone(UTC), end.astimezone(UTC)
    sql = FAILED_LOGINS_SQL.format(start=utc_start.strftime(fmt), end=utc_end.strftime(fmt))
    per_network: Counter[str] = Counter()
    for row in client.logs(sql, utc_start, utc_end):
        per_network[mask_ip(str(row.get("ip") or ""))] += int(row.get("attempts") or 0)
    return FailedLoginCount(total=sum(per_network.values()), top=per_network.most_common(top))
