"""GDPR as data: no full IP stored, personal data kept no longer than documented, where it lives.

What is stored, for how long and why: docs/operations.md "Personal data". Vercel's drains can
hide IP addresses ("Drains security", https://vercel.com/docs/drains/security); the monitor
cannot read that setting, so it notes what the data shows. The Supabase project's region comes
from the Management API (`region` of GET /v1/projects/{ref}/database/backups, V1BackupsResponse).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from lib.doctor.base import DoctorContext, Finding
from lib.drains.retention import BUCKETS_KEPT
from lib.drains.store import privacy_facts
from lib.platform import management
from lib.platform.management import ManagementClient, PlatformError

HASH_DAYS = 2  # a day's visitor hashes live until the day before yesterday is closed
GRACE = timedelta(days=1)  # pruning happens on the next delivery


def privacy(ctx: DoctorContext) -> Finding:
    """Networks only, retention kept, the hide-IP setting as the data shows it, the region."""
    store = ctx.need_store()
    raw: dict[str, Any] = ctx.once("privacy", lambda: privacy_facts(store))
    problems, notes = [], []
    if raw.get("edge_full_addresses"):
        problems.append(f"{raw['edge_full_addresses']} edge rows hold an address, not a network")
    else:
        notes.append("no full IP address stored (client networks /24 and /48 only)")
    rows, unknown = int(raw.get("edge_rows") or 0), int(raw.get("edge_unknown") or 0)
    if rows and unknown == rows:
        notes.append("Vercel's drain setting 'hide IP addresses' looks on (no client address)")
    else:
        notes.append("Vercel's drain setting 'hide IP addresses': off or no log drain yet")
    kept = BUCKETS_KEPT + GRACE
    for key, what in (("edge_oldest", "client networks"), ("analytics_oldest", "page views")):
        oldest = raw.get(key)
        if oldest and ctx.now - datetime.fromisoformat(oldest) > kept:
            problems.append(f"{what} older than {BUCKETS_KEPT.days} days are still stored")
    notes.append(f"client networks and page views kept {BUCKETS_KEPT.days} days")
    hash_day = raw.get("hash_oldest_day")
    if hash_day and date.fromisoformat(hash_day) < ctx.yesterday - timedelta(days=HASH_DAYS):
        problems.append(f"visitor hashes of {hash_day} not yet thrown away")
    notes.append(f"visitor hashes {raw.get('hashes') or 0} (kept until their day is counted)")
    region, region_problem = _region(ctx)
    notes.append(region)
    if region_problem:
        problems.append(region_problem)
    evidence = "; ".join(problems + notes)
    if problems:
        fix = "see docs/operations.md 'Personal data': prune, or document the transfer"
        return Finding(status="warn", evidence=evidence, fix=fix)
    return Finding(status="pass", evidence=evidence)


def _region(ctx: DoctorContext) -> tuple[str, str | None]:
    if management.missing(ctx.settings) is not None:
        return "Supabase region: unknown (set SUPABASE_ACCESS_TOKEN to read it)", None
    try:
        region = ManagementClient(ctx.settings).backups().region
    except PlatformError as error:
        return f"Supabase region: unknown ({error.reason})", None
    if not region:
        return "Supabase region: not given by the Management API", None
    if region.startswith("eu-"):
        return f"Supabase region: {region} (EU)", None
    return f"Supabase region: {region}", f"database outside the EU ({region}): a transfer"
