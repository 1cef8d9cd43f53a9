"""Conventions of the migration files themselves (supabase/migrations/, docs/operations.md)."""

from __future__ import annotations

import re
from collections import Counter

from lib.local.migrate import Migration, migrations
from lib.local.sql_split import split_and_trim

# The migration that made monitoring_restrict_to_service_role: every later one must use it.
RESTRICT_SINCE = "20261203190000"
# (migration file, function) created without the call, each with its reason. None today.
EXCEPTIONS: dict[tuple[str, str], str] = {}

_COMMENT_LINE = re.compile(r"^\s*--[^\n]*\n", re.MULTILINE)
_CREATE = re.compile(
    r"^create\s+(?:or\s+replace\s+)?function\s+(?:public\.)?\"?(\w+)", re.IGNORECASE
)
_RESTRICT = re.compile(r"^select\s+public\.monitoring_restrict_to_service_role\(", re.IGNORECASE)
# SQL joins string constants separated by whitespace with a newline ('a('\n'b)' is 'a(b)').
_LITERALS = re.compile(r"'(?:[^']|'')*'(?:\s*\n\s*'(?:[^']|'')*')*")
_SIGNATURE = re.compile(r"^public\.(\w+)\(")


def _statements(migration: Migration) -> list[str]:
    return [_COMMENT_LINE.sub("", s).strip() for s in split_and_trim(migration.path.read_text())]


def created_functions(migration: Migration) -> Counter[str]:
    """The functions a migration creates or replaces, by name (twice for two overloads)."""
    return Counter(m[1] for s in _statements(migration) if (m := _CREATE.match(s)))


def restricted_functions(migration: Migration) -> Counter[str]:
    """The functions a migration passes to `select public.monitoring_restrict_to_service_role`."""
    names: Counter[str] = Counter()
    for statement in _statements(migration):
        if not _RESTRICT.match(statement):
            continue
        for literal in _LITERALS.findall(statement):
            text = "".join(re.findall(r"'((?:[^']|'')*)'", literal))
            if match := _SIGNATURE.match(text):
                names[match[1]] += 1
    return names


def test_the_parser_reads_the_migration_that_made_the_function() -> None:
    """Not vacuous: the block of 20261203190000 is read as its four functions."""
    (made,) = [m for m in migrations() if m.version == RESTRICT_SINCE]
    assert set(restricted_functions(made)) == {
        "monitoring_restrict_to_service_role",
        "monitoring_hist_sums",
        "monitoring_prune_traffic_minutes",
        "monitoring_traffic_summary",
    }
    assert set(created_functions(made)) >= set(restricted_functions(made))


def test_every_newer_migration_closes_its_functions_to_service_role() -> None:
    """docs/operations.md: every function a migration creates (or replaces) is closed to anon and
    authenticated with monitoring_restrict_to_service_role, in the same migration."""
    newer = [m for m in migrations() if m.version > RESTRICT_SINCE]
    assert newer, "no migration after 20261203190000"
    unclosed: dict[tuple[str, str], str] = {}
    checked = 0
    for migration in newer:
        created, restricted = created_functions(migration), restricted_functions(migration)
        checked += sum(created.values())
        for name, count in created.items():
            if restricted[name] < count:
                unclosed[(migration.path.name, name)] = EXCEPTIONS.get(
                    (migration.path.name, name), "no monitoring_restrict_to_service_role call"
                )
    assert checked, "no function found in the newer migrations: is the parser broken?"
    missing = {key: why for key, why in unclosed.items() if key not in EXCEPTIONS}
    assert not missing, (
        "add `select public.monitoring_restrict_to_service_role('public.<name>(<argument "
        f"types>)'::regprocedure);` to the migration (docs/operations.md): {sorted(missing)}"
    )
    stale = set(EXCEPTIONS) - set(unclosed)
    assert not stale, f"EXCEPTIONS names a function that is closed now: {sorted(stale)}"
