"""Apply `supabase/migrations/*.sql` to a database, recorded where the Supabase CLI records them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lib.local.sql_split import split_and_trim

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "supabase" / "migrations"

# The Supabase CLI's own bookkeeping, statement for statement (supabase/cli pkg/migration/
# history.go): a database migrated by either tool is known to both, and a table an older CLI made
# with `version` alone gains the columns the same way.
_BOOKKEEPING = (
    "SET lock_timeout = '4s'",
    "CREATE SCHEMA IF NOT EXISTS supabase_migrations",
    "CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations "
    "(version text NOT NULL PRIMARY KEY)",
    "ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[]",
    "ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text",
)
_RECORD = (
    "INSERT INTO supabase_migrations.schema_migrations(version, name, statements) "
    "VALUES(%s, %s, %s)"
)
# The CLI's file pattern (pkg/migration/file.go); other files in the folder are not migrations.
_FILE = re.compile(r"^([0-9]+)_(.*)\.sql$")


class MigrationError(Exception):
    """A migration failed and was rolled back; the message names the file and the SQL error."""


@dataclass(frozen=True)
class Migration:
    """One `<version>_<name>.sql` file."""

    path: Path

    @property
    def version(self) -> str:
        return _parts(self.path)[0]

    @property
    def name(self) -> str:
        return _parts(self.path)[1]


def _parts(path: Path) -> tuple[str, str]:
    match = _FILE.match(path.name)
    assert match is not None, path.name
    return match[1], match[2]


def migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The files `supabase db push` would apply, in its order (by name)."""
    return [Migration(p) for p in sorted(directory.glob("*.sql")) if _FILE.match(p.name)]


def apply_file(conn: object, migration: Migration) -> None:
    """Run one migration as the CLI does: settings reset, its statements one by one, then its row
    with those statements, all in one transaction; any error rolls it back whole."""
    import psycopg

    assert isinstance(conn, psycopg.Connection)
    statements = split_and_trim(migration.path.read_text())
    try:
        # A file's session settings (e.g. set_config('search_path', '', false)) end with it.
        conn.execute("RESET ALL")
        with conn.transaction():
            for statement in statements:
                conn.execute(statement)
            conn.execute(_RECORD, (migration.version, migration.name, statements))
    except psycopg.Error as error:
        detail = error.diag.message_primary or type(error).__name__
        raise MigrationError(f"{migration.path.name}: {detail}; nothing was applied") from None


def migrate(url: str, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply every migration not yet recorded; returns the file names applied."""
    import psycopg

    with psycopg.connect(url, autocommit=True, prepare_threshold=None) as conn:
        with conn.transaction():  # the CLI's implicit batch transaction: lock_timeout ends here
            for statement in _BOOKKEEPING:
                conn.execute(statement)
        applied = {
            row[0]
            for row in conn.execute("select version from supabase_migrations.schema_migrations")
        }
        done = []
        for migration in migrations(directory):
            if migration.version not in applied:
                apply_file(conn, migration)
                done.append(migration.path.name)
        return done
