"""Apply `supabase/migrations/*.sql` to a database, recorded where the Supabase CLI records them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "supabase" / "migrations"

# The Supabase CLI's own bookkeeping table: a database migrated by either tool is known to both.
_BOOKKEEPING = """
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (
    version text primary key, statements text[], name text
);
"""


class MigrationError(Exception):
    """A migration failed and was rolled back; the message names the file and the SQL error."""


@dataclass(frozen=True)
class Migration:
    """One `<version>_<name>.sql` file."""

    path: Path

    @property
    def version(self) -> str:
        return self.path.stem.split("_", 1)[0]

    @property
    def name(self) -> str:
        return self.path.stem.split("_", 1)[1] if "_" in self.path.stem else self.path.stem


def migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    return [Migration(p) for p in sorted(directory.glob("*.sql"))]


def apply_file(conn: object, migration: Migration) -> None:
    """Run one migration in its own transaction and record it; any error rolls it back whole."""
    import psycopg

    assert isinstance(conn, psycopg.Connection)
    try:
        with conn.transaction():
            conn.execute(migration.path.read_text())
            conn.execute(
                "insert into supabase_migrations.schema_migrations (version, name) values (%s, %s)",
                (migration.version, migration.name),
            )
    except psycopg.Error as error:
        detail = error.diag.message_primary or type(error).__name__
        raise MigrationError(f"{migration.path.name}: {detail}; nothing was applied") from None


def migrate(url: str, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply every migration not yet recorded; returns the file names applied."""
    import psycopg

    with psycopg.connect(url, autocommit=True, prepare_threshold=None) as conn:
        conn.execute(_BOOKKEEPING)
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
