"""The local default store for `make dev`: a project-local PostgreSQL under `.data/`, migrated."""

from __future__ import annotations

import os
from pathlib import Path

from lib.localpg import LocalPostgres, find_bin_dir

ROOT = Path(__file__).resolve().parents[2]
# LOCAL_DATA_DIR moves the data (tests); LOCAL_PG_SERVER=pgserver forces the bundled server.
DATA_ROOT = Path(os.environ.get("LOCAL_DATA_DIR") or ROOT / ".data")
DATA_DIR = DATA_ROOT / "postgres"
PGSERVER_DIR = DATA_ROOT / "pgserver"


def _cluster() -> LocalPostgres:
    port = int(os.environ.get("LOCAL_PG_PORT", "54329"))
    return LocalPostgres(DATA_DIR, port=port)


def _use_system_server() -> bool:
    return os.environ.get("LOCAL_PG_SERVER") != "pgserver" and find_bin_dir() is not None


def ensure_local_database() -> str:
    """Start (or reuse) the local cluster, apply migrations, return its URL.

    Uses the machine's PostgreSQL server binaries; without any, the `pgserver` package (PyPI,
    bundles PostgreSQL) runs the server instead.
    """
    from lib.store.migrate import migrate

    if _use_system_server():
        cluster = _cluster()
        if not cluster.running():
            cluster.start()
        url = cluster.url
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("create extension if not exists pg_stat_statements")
    else:
        try:
            import pgserver  # type: ignore[import-not-found]
        except ImportError:
            raise RuntimeError(
                "no PostgreSQL server found: install PostgreSQL, or `pip install pgserver`"
            ) from None
        PGSERVER_DIR.parent.mkdir(parents=True, exist_ok=True)
        url = pgserver.get_server(PGSERVER_DIR, cleanup_mode=None).get_uri()
    migrate(url)
    return url


def stop_local_database() -> None:
    if _use_system_server():
        _cluster().stop()
    else:
        import pgserver  # type: ignore[import-not-found]

        pgserver.get_server(PGSERVER_DIR, cleanup_mode="stop").cleanup()


def describe_local_database() -> str:
    if not _use_system_server():
        return f"pgserver data in {PGSERVER_DIR}"
    cluster = _cluster()
    state = "running" if cluster.running() else "stopped"
    return f"{state}: {cluster.url} (data in {DATA_DIR})"
