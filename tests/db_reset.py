"""Emptying a test database back to a fresh clone of the template, without cloning it again."""

from __future__ import annotations

import psycopg

# The catalog of a database as far as a test could change it: relations (with owner, grants,
# options, persistence and row security), columns, defaults, indexes, constraints, triggers,
# policies, rewrite rules (views), sequences' parameters, functions, types and enum labels,
# schemas, default privileges, extensions and the database's owner, settings and grants.
# Equal to the template's, a database differs from a fresh clone only in its rows.
SCHEMA_FINGERPRINT = """
with parts(part) as (
  select format('rel %s %s %s %s %s %s %s %s %s %s', c.oid, n.nspname, c.relname, c.relkind,
                c.relowner, c.relacl, c.reloptions, c.relpersistence, c.relrowsecurity,
                c.relforcerowsecurity)
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp)'
  union all
  select format('att %s %s %s %s %s %s %s %s', a.attrelid, a.attnum, a.attname, a.atttypid,
                a.attnotnull, a.attisdropped, a.attidentity, a.attacl)
    from pg_attribute a join pg_class c on c.oid = a.attrelid
    join pg_namespace n on n.oid = c.relnamespace
   where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp)'
  union all select format('def %s %s %s', adrelid, adnum, md5(adbin::text)) from pg_attrdef
  union all select format('idx %s %s %s', indexrelid, indrelid, indisvalid) from pg_index
  union all select format('con %s %s %s %s', oid, conrelid, conname, convalidated)
    from pg_constraint
  union all select format('trg %s %s %s %s', oid, tgrelid, tgname, tgenabled) from pg_trigger
  union all select format('pol %s %s %s', oid, polrelid, md5(coalesce(polqual::text, '')))
    from pg_policy
  union all select format('rw %s %s %s', oid, ev_class, md5(ev_action::text)) from pg_rewrite
  union all
  select format('fn %s %s %s %s %s %s %s %s', p.oid, n.nspname, p.proname, p.proowner, p.proacl,
                md5(p.prosrc), p.proconfig, p.prosecdef)
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where n.nspname not in ('pg_catalog', 'information_schema')
  union all
  select format('typ %s %s %s %s', t.oid, n.nspname, t.typname, t.typacl)
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
   where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp)'
  union all select format('enum %s %s %s', oid, enumtypid, enumlabel) from pg_enum
  union all select format('nsp %s %s %s %s', oid, nspname, nspowner, nspacl) from pg_namespace
  union all select format('seq %s %s %s %s %s %s', seqrelid, seqincrement, seqstart, seqmin,
                          seqmax, seqcycle) from pg_sequence
  union all select format('dacl %s %s %s %s', defaclrole, defaclnamespace, defaclobjtype,
                          defaclacl) from pg_default_acl
  union all select format('ext %s %s', extname, extversion) from pg_extension
  union all select format('db %s %s %s %s', datdba, datacl, datconnlimit, datallowconn)
    from pg_database where datname = current_database()
  union all select format('set %s %s', setrole, setconfig) from pg_db_role_setting
   where setdatabase = (select oid from pg_database where datname = current_database())
)
select md5(string_agg(part, E'\\n' order by part)) from parts
"""


class DatabaseBaseline:
    """What a fresh clone of the template holds beyond its empty tables: the schema's
    fingerprint, the tables that have rows (their rows' fingerprint) and the sequences."""

    def __init__(self, url: str) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            tables = conn.execute(
                "select format('%I.%I', n.nspname, c.relname) from pg_class c"
                " join pg_namespace n on n.oid = c.relnamespace"
                " where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')"
                " and n.nspname !~ '^pg_(toast|temp)' order by 1"
            ).fetchall()
            self.filled = [t for (t,) in tables if self._has_rows(conn, t)]
            self.empty = [t for (t,) in tables if t not in self.filled]
            self.sequences = conn.execute(
                "select format('%I.%I', schemaname, sequencename), last_value from pg_sequences"
                " where schemaname not in ('pg_catalog', 'information_schema')"
            ).fetchall()
            self.fingerprint = self.of(conn)
            if conn.execute("select count(*) from pg_class where relkind = 'm'").fetchone()[0]:
                raise RuntimeError("a materialized view: emptying its tables would not refresh it")

    @staticmethod
    def _has_rows(conn: psycopg.Connection, table: str) -> bool:
        return conn.execute(f"select exists (select from {table})").fetchone()[0]  # type: ignore[index]

    def of(self, conn: psycopg.Connection) -> str:
        """The schema's fingerprint and the rows of the tables the template fills."""
        (schema,) = conn.execute(SCHEMA_FINGERPRINT).fetchone()  # type: ignore[misc]
        rows = [
            conn.execute(f"select md5(coalesce(string_agg(t::text, ',' order by t::text), ''))"
                         f" from {table} t").fetchone()[0]  # type: ignore[index]
            for table in self.filled
        ]  # fmt: skip
        return f"{schema} {' '.join(rows)}"

    def empty_if_unchanged(self, url: str) -> bool:
        """If the schema and the template's own rows are as the template has them: truncate
        every other table that holds a page (a row, or one deleted or rolled back: a fresh clone
        has none, and table sizes show in database_stats) and restart every sequence, in one
        transaction; True. Otherwise, or when a lock held elsewhere (a connection a test left
        open) is in the way, nothing is done; False."""
        with psycopg.connect(url, autocommit=True) as conn:
            if self.of(conn) != self.fingerprint:
                return False
            try:
                with conn.transaction():
                    conn.execute("set local lock_timeout = '2s'")
                    written = conn.execute(
                        "select t from unnest(%s::text[]) t"
                        " where pg_relation_size(t::regclass) > 0",
                        (self.empty,),
                    ).fetchall()
                    if written:
                        conn.execute(f"truncate {', '.join(t for (t,) in written)} cascade")
                    for sequence, last_value in self.sequences:
                        if last_value is None:
                            conn.execute(f"alter sequence {sequence} restart")
                        else:
                            conn.execute("select setval(%s::regclass, %s)", (sequence, last_value))
            except psycopg.errors.LockNotAvailable:
                return False  # the caller re-clones, dropping the database with (force)
        return True
