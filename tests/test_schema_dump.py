"""supabase/schema.sql stays equal to what the migrations build (lib/local/schema_dump.py)."""

from __future__ import annotations

import difflib
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from lib.local.localpg import LocalPostgres
from lib.local.schema_dump import REGENERATE, SCHEMA_FILE, dump_schema, normalise, summary
from scripts.vercel_output import FORBIDDEN_STATIC_DIRS, matches

ROOT = SCHEMA_FILE.parents[1]


def test_schema_sql_is_the_schema_the_migrations_build(
    supabase_pg: LocalPostgres, supabase_db: str
) -> None:
    """The committed file against a fresh dump of the migrated test database (Supabase roles)."""
    dumped = dump_schema(supabase_pg, urlsplit(supabase_db).path.lstrip("/"))
    committed = SCHEMA_FILE.read_text() if SCHEMA_FILE.is_file() else ""
    if committed != dumped:
        diff = difflib.unified_diff(
            committed.splitlines(), dumped.splitlines(), "supabase/schema.sql", "migrations",
            lineterm="", n=1,
        )  # fmt: skip
        shown = "\n".join(list(diff)[:60])
        raise AssertionError(
            f"supabase/schema.sql differs from the migrated schema: run {REGENERATE}\n{shown}"
        )
    # What the file is for: every monitor table and function, with its grants, in one place.
    with psycopg.connect(supabase_db) as conn:
        functions, tables = conn.execute(
            "select (select count(*) from pg_proc where pronamespace = 'public'::regnamespace"
            "         and proname like 'monitoring%%'),"
            "       (select count(*) from pg_tables where schemaname = 'public'"
            "         and tablename like 'monitoring%%')"
        ).fetchone()
    assert summary(dumped).startswith(f"{tables} tables, {functions} functions, ")
    assert "CREATE TABLE public.monitoring_alerts (" in dumped
    assert "ALTER TABLE public.monitoring_alerts ENABLE ROW LEVEL SECURITY;" in dumped
    assert "GRANT ALL ON FUNCTION public.monitoring_first_data() TO service_role;" in dumped
    assert "CREATE TABLE supabase_migrations" not in dumped, "the tool's bookkeeping is not ours"


def test_normalise_drops_what_changes_between_runs_and_machines() -> None:
    """pg_dump 15.14+ writes a new random \\restrict key on every run; versions and SET vary."""
    run = (
        "--\n-- PostgreSQL database dump\n--\n\n\\restrict {key}\n\n"
        "-- Dumped from database version 15.{minor} (Debian)\n"
        "-- Dumped by pg_dump version 15.{minor} (Debian)\n\n"
        "SET statement_timeout = 0;\n"
        "SELECT pg_catalog.set_config('search_path', '', false);\n\n\n"
        "CREATE TABLE public.monitoring_x (\n    id bigint NOT NULL   \n);\n\n\n"
        "SET default_tablespace = '';\n\n\\unrestrict {key}\n"
    )
    first = normalise(run.format(key="AbC1", minor="14"), "15")
    second = normalise(run.format(key="zYx9", minor="18"), "15")
    assert first == second
    for gone in ("restrict", "Dumped", "SET ", "set_config", "   \n"):
        assert gone not in first
    assert "CREATE TABLE public.monitoring_x (\n    id bigint NOT NULL\n);" in first
    assert first.startswith("-- GENERATED:") and "pg_dump 15 --schema-only" in first


def test_schema_sql_is_neither_bundled_nor_served() -> None:
    """108 KB of SQL no function needs: out of every bundle, never a static file, not uploaded."""
    relative = SCHEMA_FILE.relative_to(ROOT).as_posix()
    functions = json.loads((ROOT / "vercel.json").read_text())["functions"]
    assert functions
    for pattern, settings in functions.items():
        assert matches(settings["excludeFiles"], relative), f"{pattern} bundles {relative}"
    assert relative.split("/")[0] in FORBIDDEN_STATIC_DIRS  # only public/ is served
    assert relative in (ROOT / ".vercelignore").read_text().splitlines()


def test_the_regenerate_command_writes_the_committed_file(tmp_path: Path) -> None:
    """`python -m lib schema` on its own throwaway cluster: the same bytes (stable across runs)."""
    output = tmp_path / "schema.sql"
    result = subprocess.run(
        [sys.executable, "-m", "lib", "schema", "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = output.read_text()
    assert result.stdout.strip() == f"wrote {output}: {summary(text)}"
    assert text == SCHEMA_FILE.read_text(), f"supabase/schema.sql is stale: run {REGENERATE}"
