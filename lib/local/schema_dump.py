"""supabase/schema.sql: the monitor's schema as it stands after every migration (`pg_dump`)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from lib.local.localpg import LocalPostgres, throwaway
from lib.local.migrate import MIGRATIONS_DIR, migrate

SCHEMA_FILE = MIGRATIONS_DIR.parent / "schema.sql"
REGENERATE = "`python -m lib schema` (or `make schema`)"
# Supabase's API roles (cluster-wide): without them the grants to service_role are not dumped.
SUPABASE_ROLES = (
    "create role anon nologin",
    "create role authenticated nologin",
    "create role service_role nologin bypassrls",
)
# Lines that say nothing about the schema and change with the machine or the run: the session
# settings of a restore (`SET ...`, the search_path reset), the server and pg_dump versions, and
# `\restrict <random key>` / `\unrestrict <key>` (pg_dump 15.14+, a new key on every run).
_NOISE = re.compile(
    r"^(SET |SELECT pg_catalog\.set_config\('search_path'|-- Dumped (from|by) |\\(un)?restrict )"
)
_DUMP_OPTIONS = (
    "--schema-only",
    "--no-owner",  # who ran the migrations is not part of the schema
    "--exclude-schema=supabase_migrations",  # the migration tool's bookkeeping, not ours
)


def pg_dump_major(cluster: LocalPostgres) -> str:
    """The major version of the cluster's own pg_dump (its output differs between majors)."""
    out = _run([_pg_dump(cluster), "--version"])
    match = re.search(r"\b(\d+)(\.\d+)*\b", out)
    return match[1] if match else "unknown"


def dump_schema(cluster: LocalPostgres, database: str) -> str:
    """`pg_dump --schema-only` of `database`, normalised (see `normalise`)."""
    dump = _run([_pg_dump(cluster), *_DUMP_OPTIONS, cluster.url_for(database)])
    return normalise(dump, pg_dump_major(cluster))


def normalise(dump: str, major: str) -> str:
    """Drop the machine- and run-dependent lines; keep pg_dump's own (name-sorted) order."""
    lines = [line.rstrip() for line in dump.splitlines() if not _NOISE.match(line)]
    text = re.sub(r"\n{4,}", "\n\n\n", "\n".join(lines)).strip("\n")
    header = (
        "-- GENERATED: the schema after every file in supabase/migrations/ (pg_dump "
        f"{major} --schema-only).\n"
        f"-- Do not edit: change the schema with a new migration, then run {REGENERATE}.\n"
        "-- For reading only: apply the migrations, not this file.\n\n"
    )
    return header + text + "\n"


def generate(migrations_dir: Path = MIGRATIONS_DIR) -> str:
    """Migrate a new database on a throwaway cluster with Supabase's roles; return its dump."""
    import psycopg

    with throwaway(prefix="schema-dump-") as cluster:
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            for statement in SUPABASE_ROLES:
                conn.execute(statement)
            conn.execute("grant anon, authenticated, service_role to postgres")
            conn.execute("create database monitor_schema")
        migrate(cluster.url_for("monitor_schema"), migrations_dir)
        return dump_schema(cluster, "monitor_schema")


def write_schema_file(path: Path = SCHEMA_FILE) -> str:
    """Regenerate `path`; returns a one-line summary."""
    text = generate()
    path.write_text(text)
    return f"wrote {path}: {summary(text)}"


def summary(text: str) -> str:
    """How many tables, functions and indexes a dump creates, and its size."""
    counts = {
        kind: len(re.findall(rf"^CREATE {pattern}", text, flags=re.MULTILINE))
        for kind, pattern in (
            ("tables", "TABLE "),
            ("functions", "FUNCTION "),
            ("indexes", "(UNIQUE )?INDEX "),
        )
    }
    parts = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    return f"{parts}, {len(text.encode())} bytes"


def _pg_dump(cluster: LocalPostgres) -> str:
    if cluster.bin_dir is None or not (cluster.bin_dir / "pg_dump").is_file():
        raise RuntimeError("no pg_dump beside the PostgreSQL server binaries (set PG_BIN)")
    return str(cluster.bin_dir / "pg_dump")


def _run(command: list[str]) -> str:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"pg_dump failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout
