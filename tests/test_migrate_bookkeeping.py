"""`python -m lib migrate` records supabase_migrations.schema_migrations as `supabase db push` does.

The reference is the Supabase CLI's source (supabase/cli, pkg/migration/history.go, file.go,
apply.go and pkg/parser): the same table, the same (version, name, statements) row per file, the
same file-name pattern, the same statement split, RESET ALL between files.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from lib.local.localpg import LocalPostgres
from lib.local.migrate import MIGRATIONS_DIR, migrate, migrations
from lib.local.sql_split import split, split_and_trim
from lib.store import Store
from lib.store.postgres import PostgresTransport
from lib.store.schema import check

# The CLI's own statements (pkg/migration/history.go), verbatim: how `supabase db push` records.
CLI_CREATE = (
    "SET lock_timeout = '4s'",
    "CREATE SCHEMA IF NOT EXISTS supabase_migrations",
    "CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations "
    "(version text NOT NULL PRIMARY KEY)",
    "ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[]",
    "ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text",
)
CLI_INSERT = (
    "INSERT INTO supabase_migrations.schema_migrations(version, name, statements) "
    "VALUES(%s, %s, %s)"
)

# The CLI's own splitter cases (pkg/parser/state_test.go): joined, they must split back.
CLI_SPLIT_CASES = [
    ["END;", "-- comment"],
    ["SELECT --; 1"],
    ["- ;", "END"],
    ["-- /* \n;", " */ END"],
    ["SELECT /* ; */ 1;"],
    ["SELECT /*; /*;*/ ;*/ 1"],
    ["/ * ;", " */ END"],
    [";", "END;", ";"],
    ["BEGIN   ;", "  END"],
    ["\\;;", "\\;"],
    ["$tag$ any ; string$tag$"],
    ['$$"Dane\'s horse"$$'],
    ['SELECT "$";', " $$"],
    ["SELECT ';' 1"],
    ["SELECT ';'';' 1"],
    ["SELECT '\\';", " 1'"],
    ['CREATE POLICY "cats;dogs" on cats_dogs;', " END"],
    ["CREATE POLICY \"cat's and dog's\" on cats_dogs;", " END"],
    ['CREATE POLICY "pet""name" on pets;', " END"],
    [
        'CREATE RULE notify_me AS ON UPDATE TO mytable DO (NOTIFY mytable; SELECT "1");',
        "SELECT 1",
    ],
    ["CREATE RULE notify_me AS ON UPDATE TO mytable DO (-- )\nSELECT ')';\n-- )\n)\n"],
    [
        "CREATE FUNCTION add(a integer, b integer) RETURNS integer\nLANGUAGE SQL\n"
        "IMMUTABLE STRICT PARALLEL SAFE\nRETURNS NULL ON NULL INPUT\nBEGIN ATOMIC\n"
        "\tSELECT 'add';\n\tSELECT a + b;\nEND;"
    ],
    ["begin atomic; select 'end'; end"],
    ["CREATE FUNCTION test() BEGIN\nATOMIC-- END;\n-- END;\nEND\n;"],
    ["create table public.atomic_test (id int);", "\nselect 1;"],
    [
        "CREATE OR REPLACE FUNCTION public.my_function_atomic(p_id uuid)\nRETURNS void\n"
        "LANGUAGE plpgsql\nAS $$\nBEGIN\n  RAISE NOTICE 'hello';\nEND;\n$$;",
        "\nGRANT EXECUTE ON FUNCTION public.my_function_atomic(uuid) TO authenticated;",
    ],
    ["select is_atomic from flags;", "\nselect 1;"],
    ["select col1atomic from t;", "\nselect 1;"],
]


@pytest.mark.parametrize("statements", CLI_SPLIT_CASES, ids=range(len(CLI_SPLIT_CASES)))
def test_split_matches_the_cli(statements: list[str]) -> None:
    assert split("".join(statements)) == statements


def test_split_and_trim_drops_separators_and_space() -> None:
    assert split_and_trim("\tBEGIN; select 1 ;\n\n;  -- end\n") == ["BEGIN", "select 1", "-- end"]


def history(url: str) -> list[tuple[str, str, list[str]]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select version, name, statements from supabase_migrations.schema_migrations"
            " order by version"
        ).fetchall()


def columns(url: str) -> list[tuple[str, str, str]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            """select column_name, data_type, is_nullable from information_schema.columns
               where table_schema = 'supabase_migrations' and table_name = 'schema_migrations'
               order by ordinal_position"""
        ).fetchall()


def cli_push(url: str, directory: Path = MIGRATIONS_DIR) -> None:
    """What `supabase db push` does per file: its statements one by one, then its row, in one
    transaction (pgx's implicit batch transaction)."""
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.transaction():
            for statement in CLI_CREATE:
                conn.execute(statement)
        for migration in migrations(directory):
            conn.execute("RESET ALL")
            with conn.transaction():
                statements = split_and_trim(migration.path.read_text())
                for statement in statements:
                    conn.execute(statement)
                conn.execute(CLI_INSERT, (migration.version, migration.name, statements))


@pytest.fixture(scope="module")
def cli_pushed(pg: LocalPostgres) -> Iterator[str]:
    """A database migrated the way `supabase db push` does (`cli_push`), once for the module; its
    name. Read only: a `migrate` over it must apply nothing."""
    with psycopg.connect(pg.url, autocommit=True) as conn:
        conn.execute("create database cli_pushed")
    try:
        cli_push(pg.url_for("cli_pushed"))
        yield "cli_pushed"
    finally:
        with psycopg.connect(pg.url, autocommit=True) as conn:
            conn.execute("drop database cli_pushed with (force)")


def test_migrate_records_rows_like_the_cli(
    fresh_db: str, pg: LocalPostgres, cli_pushed: str
) -> None:
    applied = migrate(fresh_db)
    assert applied == [p.name for p in sorted(MIGRATIONS_DIR.glob("*.sql"))]
    ours = history(fresh_db)
    pushed = pg.url_for(cli_pushed)
    assert ours == history(pushed)
    assert columns(fresh_db) == columns(pushed)
    first = ours[0]
    assert first[0] == "20261127120000" and first[1] == "monitoring_store"
    path = MIGRATIONS_DIR / "20261127120000_monitoring_store.sql"
    assert first[2] == split_and_trim(path.read_text()) and len(first[2]) > 10


def test_a_cli_pushed_database_is_up_to_date_for_us(pg: LocalPostgres, cli_pushed: str) -> None:
    pushed = pg.url_for(cli_pushed)
    assert migrate(pushed) == []
    with Store(PostgresTransport(pushed, 5)) as store:
        assert check(store).state == "current"


def test_an_old_cli_table_gains_the_cli_columns(fresh_db: str) -> None:
    """Older CLIs made the table with `version` only; the CLI adds the columns when it migrates."""
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("create schema supabase_migrations")
        conn.execute(
            "create table supabase_migrations.schema_migrations (version text not null primary key)"
        )
    assert migrate(fresh_db)
    assert [name for name, _, _ in columns(fresh_db)] == ["version", "statements", "name"]
    assert all(statements for _, _, statements in history(fresh_db))


def test_only_cli_named_files_and_reset_between_files(fresh_db: str, tmp_path: Path) -> None:
    """Like the CLI: `<digits>_<name>.sql` only, and no session setting leaks into the next file."""
    (tmp_path / "20260101000000_first.sql").write_text(
        "select pg_catalog.set_config('search_path', '', false);\ncreate table public.a (id int);\n"
    )
    # Unqualified: fails with "no schema has been selected" if the empty search_path leaked.
    (tmp_path / "20260101000001_second.sql").write_text("create table b (id int);\n")
    (tmp_path / "notes.sql").write_text("this is not SQL;\n")
    (tmp_path / "v2_third.sql").write_text("this is not SQL either;\n")
    assert migrate(fresh_db, tmp_path) == ["20260101000000_first.sql", "20260101000001_second.sql"]
    assert [row[:2] for row in history(fresh_db)] == [
        ("20260101000000", "first"),
        ("20260101000001", "second"),
    ]


def test_a_failing_file_records_nothing(fresh_db: str, tmp_path: Path) -> None:
    shutil.copy(MIGRATIONS_DIR / "20261127120000_monitoring_store.sql", tmp_path)
    (tmp_path / "20261127120001_broken.sql").write_text(
        "create table public.half (id int);\nselect nope();\n"
    )
    from lib.local.migrate import MigrationError

    with pytest.raises(MigrationError, match=r"20261127120001_broken\.sql"):
        migrate(fresh_db, tmp_path)
    assert [row[0] for row in history(fresh_db)] == ["20261127120000"]
    with psycopg.connect(fresh_db) as conn:
        assert conn.execute("select to_regclass('public.half')").fetchone() == (None,)
