"""Is the monitor's schema installed and as new as the code? Named in one actionable sentence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel

from lib.store import SchemaMissing, Store
from lib.store.migration_versions import MIGRATION_VERSIONS

APPLY = "apply supabase/migrations (python -m lib migrate or supabase db push)"
NOT_INSTALLED = f"monitor schema not installed: {APPLY}"
# The migration that added monitoring_schema_versions(): a schema without it predates it.
VERSIONS_SINCE = "20261203115000"
# Versions named in a reason; the rest are counted (reasons stay short enough to store).
NAMED_VERSIONS = 3


def behind_reason(missing: Sequence[str]) -> str:
    named = ", ".join(missing[:NAMED_VERSIONS])
    if len(missing) > NAMED_VERSIONS:
        named += f" and {len(missing) - NAMED_VERSIONS} more"
    noun = "migration" if len(missing) == 1 else "migrations"
    return f"monitor schema older than the code: {noun} {named} not applied: {APPLY}"


class SchemaStatus(BaseModel, defer_build=True):
    """`unknown`: installed without bookkeeping (SQL pasted by hand), so the version is not told."""

    state: Literal["current", "behind", "missing", "unknown"]
    missing: list[str] = []

    @property
    def reason(self) -> str | None:
        """The sentence for a body, a cron answer or the dev server's start; None when usable."""
        if self.state == "missing":
            return NOT_INSTALLED
        return behind_reason(self.missing) if self.state == "behind" else None


def compare(
    applied: Sequence[str] | None, expected: Sequence[str] = MIGRATION_VERSIONS
) -> SchemaStatus:
    """What monitoring_schema_versions() returned against the versions the code expects."""
    # Without its own version recorded, the function was created by other means than the two
    # migration tools: the records (if any) are someone else's, so do not guess from them.
    if applied is None or VERSIONS_SINCE not in applied:
        return SchemaStatus(state="unknown")
    recorded = set(applied)
    missing = [version for version in expected if version not in recorded]
    return (
        SchemaStatus(state="behind", missing=missing) if missing else SchemaStatus(state="current")
    )


def check(store: Store, expected: Sequence[str] = MIGRATION_VERSIONS) -> SchemaStatus:
    """One store call when the schema is current; a second only to tell missing from older."""
    try:
        applied = store.call("monitoring_schema_versions")
    except SchemaMissing:
        try:
            store.ping()
        except SchemaMissing:
            return SchemaStatus(state="missing", missing=list(expected))
        return SchemaStatus(
            state="behind", missing=[version for version in expected if version >= VERSIONS_SINCE]
        )
    return compare(applied, expected)
