"""Doctor checks on what the store holds: drain data, schema, crons, backups."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from lib.doctor.base import DoctorContext, Finding, age_words
from lib.drains.store import last_received

DAY = timedelta(hours=24)
HEALTH_CHECK_WITHIN = timedelta(minutes=15)
DAILY_WITHIN = timedelta(hours=26)
BACKUP_MAX_H = 26.0
MIGRATIONS = Path(__file__).resolve().parents[2] / "supabase" / "migrations"
DRAIN_KINDS = {"log": "log drain", "trace": "trace drain", "speed_insights": "Speed Insights drain"}


def _last_received(ctx: DoctorContext) -> dict[str, datetime]:
    """When each drain kind last delivered, read once per doctor run."""
    store = ctx.need_store()
    return ctx.once("drains", lambda: last_received(store))


def _kinds(ctx: DoctorContext, kinds: tuple[str, ...], last: dict[str, datetime]) -> Finding:
    fresh, stale = [], []
    for kind in kinds:
        seen = last.get(kind)
        if seen is not None and ctx.now - seen <= DAY:
            fresh.append(f"{DRAIN_KINDS[kind]} {age_words((ctx.now - seen).total_seconds())} ago")
        else:
            when = f"last {seen:%Y-%m-%d %H:%M} UTC" if seen else "never"
            stale.append(f"{DRAIN_KINDS[kind]}: {when}")
    evidence = "; ".join([*fresh, *stale])
    if not stale:
        return Finding(status="pass", evidence=evidence)
    fix = f"create the {', '.join(s.split(':')[0] for s in stale)} in Vercel to /api/drains/vercel"
    return Finding(status="fail" if not fresh else "warn", evidence=evidence, fix=fix)


def vercel_analytics(ctx: DoctorContext) -> Finding:
    """Trace and Speed Insights drain data received in the last 24 h."""
    return _kinds(ctx, ("trace", "speed_insights"), _last_received(ctx))


def error_tracking(ctx: DoctorContext) -> Finding:
    """The log drain delivered function logs in the last 24 h."""
    return _kinds(ctx, ("log",), _last_received(ctx))


def _facts(ctx: DoctorContext) -> dict[str, object]:
    store = ctx.need_store()
    return ctx.once("facts", store.console_facts)


def supabase_schema(ctx: DoctorContext) -> Finding:
    """The monitor's schema is installed and no migration of this code is missing."""
    from lib.store import StoreError

    try:
        facts = _facts(ctx)
    except StoreError as error:
        return Finding(
            status="fail",
            evidence=f"monitor schema not usable: {error.reason}",
            fix="apply supabase/migrations (python -m lib migrate or supabase db push)",
        )
    applied = facts.get("migrations")
    if not isinstance(applied, list):
        return Finding(status="pass", evidence="schema answers; no migration history table")
    expected = sorted(p.name.split("_")[0] for p in MIGRATIONS.glob("*.sql"))
    missing = [v for v in expected if v not in applied]
    if missing:
        return Finding(
            status="fail",
            evidence=f"{len(missing)} migration(s) not applied, first {missing[0]}",
            fix="apply supabase/migrations (python -m lib migrate or supabase db push)",
        )
    newest = applied[-1] if applied else "none"
    # On Vercel supabase/ is not bundled: only the applied list can be shown, not compared.
    compared = "" if expected else " (migration files not in this bundle)"
    return Finding(
        status="pass", evidence=f"{len(applied)} migrations applied, newest {newest}{compared}"
    )


def pg_stat_statements(ctx: DoctorContext) -> Finding:
    """Slow-query reporting needs the pg_stat_statements extension."""
    if _facts(ctx).get("pg_stat_statements"):
        return Finding(status="pass", evidence="pg_stat_statements installed")
    return Finding(
        status="warn",
        evidence="pg_stat_statements not installed: slow_queries stay empty",
        fix="create extension pg_stat_statements (Supabase > Database > Extensions)",
    )


def _cron(ctx: DoctorContext, job: str, within: timedelta, schedule: str) -> Finding:
    store = ctx.need_store()
    status = ctx.once("cron", store.cron_status).get(job)
    fix = f"check Vercel > Cron Jobs for /api/cron/{job} ({schedule}) and CRON_SECRET"
    if status is None or status.last_started_at is None:
        return Finding(status="fail", evidence=f"{job} has never run", fix=fix)
    if status.last_success_at is None:
        return Finding(status="fail", evidence=f"{job} has never succeeded", fix=fix)
    age = ctx.now - status.last_success_at
    limit = age_words(within.total_seconds())
    evidence = f"last success {age_words(age.total_seconds())} ago (limit {limit})"
    if age <= within:
        return Finding(status="pass", evidence=evidence)
    return Finding(status="fail", evidence=evidence, fix=fix)


def health_check_cron(ctx: DoctorContext) -> Finding:
    return _cron(ctx, "health_check", HEALTH_CHECK_WITHIN, "every 5 minutes")


def daily_metrics_cron(ctx: DoctorContext) -> Finding:
    return _cron(ctx, "daily_metrics", DAILY_WITHIN, "daily")


def backups(ctx: DoctorContext) -> Finding:
    """The newest Supabase backup, from the daily metric db_backup_age_h (platform watch)."""
    latest = ctx.latest_metric("db_backup_age_h", days=3)
    if latest is None:
        return Finding(
            status="warn",
            evidence="no db_backup_age_h metric in the last 3 days: backups not verified",
            fix="set SUPABASE_ACCESS_TOKEN so the daily metrics record the backup age",
        )
    day, hours = latest
    evidence = f"newest backup {hours:.1f} h old on {day} (limit {BACKUP_MAX_H:g} h)"
    if hours <= BACKUP_MAX_H:
        return Finding(status="pass", evidence=evidence)
    return Finding(status="fail", evidence=evidence, fix="check Supabase > Database > Backups")
