"""The setup doctor: the guide's monitoring checklist, each item checked with evidence and a fix.

One small function per check (lib/doctor/data.py: what the store holds; setup.py: configuration);
the runner owns safety: a check that raises is a `warn` naming the error's kind, never a crash,
and a failing or warning check carries its runbook (lib/alerts/runbooks.toml, [checks.<id>]).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from pydantic import BaseModel

from lib import store as store_module
from lib.alerts.runbooks import check_runbook
from lib.core.config import Settings
from lib.core.log import log
from lib.doctor import data, privacy, setup, synthetic
from lib.doctor.base import DoctorContext, Finding, Status, StoreMissing
from lib.probes.database import STORE_NOT_CONFIGURED
from lib.store import Store, StoreError

Check = Callable[[DoctorContext], Finding]

# (id, checklist item of the guide, check); the order is the guide's.
CHECKS: tuple[tuple[str, str, Check], ...] = (
    ("vercel_analytics", "Vercel analytics configured", data.vercel_analytics),
    ("supabase_schema", "Supabase monitoring enabled: schema current", data.supabase_schema),
    (
        "pg_stat_statements",
        "Supabase monitoring enabled: pg_stat_statements",
        data.pg_stat_statements,
    ),
    ("management_token", "Supabase monitoring enabled: management token", setup.management_token),
    ("stripe_webhooks", "Stripe webhooks validated", setup.stripe_webhooks),
    ("error_tracking", "Error tracking implemented", data.error_tracking),
    ("health_check_cron", "Health check endpoints active: 5-minute check", data.health_check_cron),
    ("daily_metrics_cron", "Health check endpoints active: daily metrics", data.daily_metrics_cron),
    ("alert_config", "Alert thresholds configured: config valid", setup.alert_config),
    ("notifier", "Alert thresholds configured: notifier", setup.notifier),
    ("backups", "Backup procedures verified", data.backups),
    ("secrets", "Secrets set and strong", setup.secrets),
    ("synthetic_checks", "Automated health checks: CarBot itself", synthetic.synthetic_checks),
    ("heartbeats", "Automated health checks: CarBot's jobs", synthetic.heartbeats),
    ("privacy", "GDPR: no full IP stored, personal data kept as documented", privacy.privacy),
)
STATUSES: tuple[Status, ...] = ("pass", "warn", "fail", "not_applicable")


class DoctorItem(BaseModel):
    """One checklist item as /api/doctor and `python -m lib doctor` show it."""

    id: str
    title: str
    status: Status
    evidence: str
    fix: str
    runbook: list[str]


class Summary(BaseModel):
    status: Status  # the worst item: fail > warn > pass
    counts: dict[str, int]


class DoctorReport(BaseModel):
    items: list[DoctorItem]
    summary: Summary
    checked_at: datetime
    environment: str


def run_doctor(settings: Settings, now: datetime | None = None) -> DoctorReport:
    """Every check against the configured environment (one store connection for all)."""
    moment = now or datetime.now(UTC)
    if not store_module.configured(settings):
        return _run(DoctorContext(settings, moment, None, "no store configured"))
    try:
        with Store.from_settings(settings) as store:
            return _run(DoctorContext(settings, moment, store))
    except StoreError as error:  # opening the connection itself failed
        return _run(DoctorContext(settings, moment, None, f"store unavailable: {error.reason}"))


def _run(ctx: DoctorContext) -> DoctorReport:
    items = [_item(ctx, check_id, title, check) for check_id, title, check in CHECKS]
    counts = {status: sum(1 for i in items if i.status == status) for status in STATUSES}
    worst: Status = "fail" if counts["fail"] else "warn" if counts["warn"] else "pass"
    return DoctorReport(
        items=items,
        summary=Summary(status=worst, counts=counts),
        checked_at=ctx.now,
        environment=ctx.settings.vercel_env,
    )


def _item(ctx: DoctorContext, check_id: str, title: str, check: Check) -> DoctorItem:
    store_missing = False
    try:
        finding = check(ctx)
    except StoreMissing as missing:
        store_missing = True  # the store's fault, not this item's: its runbook would mislead
        finding = Finding(status="fail", evidence=str(missing), fix=STORE_NOT_CONFIGURED.fix)
    except StoreError as error:
        finding = Finding(
            status="warn", evidence=f"store: {error.reason}", fix="retry; check the store"
        )
    except Exception as error:  # noqa: BLE001 - one broken check must not hide the others
        log.warning("doctor check %s failed: %s", check_id, type(error).__name__)
        finding = Finding(status="warn", evidence=f"check failed ({type(error).__name__})")
    runbook = []
    if finding.status in ("warn", "fail") and not store_missing:
        runbook = check_runbook(check_id, {"evidence": finding.evidence})
    return DoctorItem(
        id=check_id,
        title=title,
        status=finding.status,
        evidence=finding.evidence,
        fix=finding.fix,
        runbook=runbook,
    )
