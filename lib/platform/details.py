"""The `platform` block of /api/health/database: backups and advisor findings, live."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel

from lib.core.config import Settings
from lib.platform import management
from lib.platform.checks import BackupState, backup_state, findings
from lib.platform.management import ManagementClient, PlatformError


class Finding(BaseModel):
    name: str
    level: str
    entity: str | None


class PlatformDetails(BaseModel):
    """What the Management API says about the project's database (docs/endpoints.md)."""

    status: str  # ok | not_configured | unavailable
    reason: str | None = None
    backups: BackupState | None = None
    security_findings: list[Finding] | None = None
    performance_findings: int | None = None


def platform_details(settings: Settings, budget_s: float) -> PlatformDetails:
    """Three Management API calls sharing `budget_s`; a failure names itself, never raises."""
    missing = management.missing(settings)
    if missing is not None:
        return PlatformDetails(status="not_configured", reason=missing)
    client = ManagementClient(settings, timeout_s=max(0.3, budget_s / 3))
    try:
        backups = backup_state(client.backups(), datetime.now(UTC))
        security = findings(client.advisors("security"))
        performance = findings(client.advisors("performance"))
    except PlatformError as error:
        return PlatformDetails(status="unavailable", reason=error.reason)
    return PlatformDetails(
        status="ok",
        backups=backups,
        security_findings=[Finding(name=f.name, level=f.level, entity=f.entity) for f in security],
        performance_findings=len(performance),
    )
