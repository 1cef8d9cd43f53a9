"""The local command line: `python -m lib dev | migrate | doctor | check-config | db | schema`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlsplit

import lib
from lib.core.config import ConfigError


def main(argv: list[str]) -> None:
    lib.loaded()  # a command is not a function cold start: no reason to keep the GC paused
    parser = argparse.ArgumentParser(prog="python -m lib", description="CarBot Monitor tools")
    commands = parser.add_subparsers(dest="command", required=True)
    dev = commands.add_parser("dev", help="serve every function on http://127.0.0.1:PORT")
    dev.add_argument("--port", type=int, default=None)
    migrate = commands.add_parser("migrate", help="apply supabase/migrations to a database")
    migrate.add_argument("--database-url", help="default: DATABASE_URL (or the local database)")
    doctor = commands.add_parser("doctor", help="check the monitoring checklist (exit 1 on fail)")
    doctor.add_argument("--json", action="store_true", help="print the /api/doctor JSON")
    check = commands.add_parser("check-config", help="validate settings and monitoring.toml")
    check.add_argument("--file", type=Path, help="a TOML file to check instead (e.g. the example)")
    db = commands.add_parser("db", help="the project-local PostgreSQL under .data/")
    db.add_argument("action", choices=("start", "stop", "status"))
    schema = commands.add_parser("schema", help="regenerate supabase/schema.sql (pg_dump)")
    schema.add_argument("--output", type=Path, help="write here instead of supabase/schema.sql")
    args = parser.parse_args(argv)
    try:
        if args.command == "dev":
            from lib.local.devserver import serve_with_local_defaults

            serve_with_local_defaults(args.port)
        elif args.command == "migrate":
            _migrate(args.database_url)
        elif args.command == "doctor":
            _doctor(args.json)
        elif args.command == "check-config":
            _check_config(args.file)
        elif args.command == "schema":
            _schema(args.output)
        else:
            _db(args.action)
    except ConfigError as error:  # every mistake of the operator: one line, no traceback
        sys.exit(str(error))
    except RuntimeError as error:  # the local PostgreSQL could not be set up
        sys.exit(f"local database: {error}")


def _migrate(url: str | None) -> None:
    from lib.core.config import load_settings
    from lib.local.migrate import MigrationError, migrate

    if url is None:
        settings = load_settings()
        if settings.database_url is None:
            # As the help says: with neither, the project-local database (started, migrated).
            from lib.local.embedded import ensure_local_database

            print(f"local database: {ensure_local_database()}")
            return
        url = settings.database_url.get_secret_value()
    elif urlsplit(url).scheme not in ("postgres", "postgresql"):
        sys.exit("--database-url: not a postgresql:// URL (e.g. postgresql://user@host:5432/db)")
    try:
        applied = migrate(url)
    except MigrationError as error:
        sys.exit(f"migration failed: {error}")
    except Exception as error:  # noqa: BLE001 - psycopg: bad DSN, refused, rejected password
        from lib.core.errors import reason_for

        sys.exit(f"cannot reach the database ({reason_for(error)}): check --database-url")
    for name in applied:
        print(f"applied {name}")
    if not applied:
        print("up to date")


def _schema(output: Path | None) -> None:
    from lib.local.migrate import MigrationError
    from lib.local.schema_dump import SCHEMA_FILE, write_schema_file

    try:
        print(write_schema_file(output or SCHEMA_FILE))
    except MigrationError as error:
        sys.exit(f"migration failed: {error}")


def _doctor(as_json: bool) -> None:
    """The store `make dev` uses: the configured one (.env, DATABASE_URL ...), else the
    project-local database (started and migrated if need be)."""
    from lib.core.config import load_settings
    from lib.doctor import run_doctor
    from lib.local.embedded import local_store_url

    settings = load_settings()
    url = local_store_url(settings)
    if url is not None:  # on stderr: --json keeps stdout to the report
        note = "DATABASE_URL and SUPABASE_URL unset: checking the local database of `make dev`"
        print(f"doctor: {note} ({url})", file=sys.stderr)
        settings = load_settings(database_url=url)
    report = run_doctor(settings)
    if as_json:
        print(report.model_dump_json(indent=2))
    else:
        marks = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "not_applicable": "N/A "}
        for item in report.items:
            print(f"[{marks[item.status]}] {item.title}: {item.evidence}")
            if item.fix:
                print(f"       fix: {item.fix}")
            for step in item.runbook:
                print(f"       - {step}")
        counts = ", ".join(f"{n} {s}" for s, n in report.summary.counts.items() if n)
        print(f"{report.summary.status}: {counts}")
    if report.summary.status == "fail":
        sys.exit(1)


def _check_config(file: Path | None) -> None:
    from lib.local.check_config import check_config

    lines = check_config(file)
    for line in lines:
        print(line)
    if any(line.startswith("error:") for line in lines):
        sys.exit(1)


def _db(action: str) -> None:
    from lib.local import embedded

    if action == "start":
        print(f"local database: {embedded.ensure_local_database()}")
    elif action == "stop":
        embedded.stop_local_database()
        print("local database stopped")
    else:
        print(embedded.describe_local_database())
