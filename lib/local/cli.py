"""The local command line: `python -m lib dev | migrate | db start|stop|status`."""

from __future__ import annotations

import argparse
import sys

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
    db = commands.add_parser("db", help="the project-local PostgreSQL under .data/")
    db.add_argument("action", choices=("start", "stop", "status"))
    args = parser.parse_args(argv)
    try:
        if args.command == "dev":
            from lib.local.devserver import serve_with_local_defaults

            serve_with_local_defaults(args.port)
        elif args.command == "migrate":
            _migrate(args.database_url)
        else:
            _db(args.action)
    except ConfigError as error:
        sys.exit(str(error))


def _migrate(url: str | None) -> None:
    from lib.core.config import load_settings
    from lib.local.migrate import MigrationError, migrate

    if url is None:
        settings = load_settings()
        if settings.database_url is None:
            sys.exit("no database: pass --database-url or set DATABASE_URL")
        url = settings.database_url.get_secret_value()
    try:
        applied = migrate(url)
    except MigrationError as error:
        sys.exit(f"migration failed: {error}")
    for name in applied:
        print(f"applied {name}")
    if not applied:
        print("up to date")


def _db(action: str) -> None:
    from lib.local import embedded

    if action == "start":
        print(f"local database: {embedded.ensure_local_database()}")
    elif action == "stop":
        embedded.stop_local_database()
        print("local database stopped")
    else:
        print(embedded.describe_local_database())
