"""The local default store for `make dev`: a project-local PostgreSQL under `.data/`, migrated."""

from __future__ import annotations

import os
from pathlib import Path

from lib.core.config import Settings
from lib.core.errors import ConfigError
from lib.local.localpg import LocalPostgres, find_bin_dir
from lib.local.ports import env_port

ROOT = Path(__file__).resolve().parents[2]
# LOCAL_DATA_DIR moves the data (tests); LOCAL_PG_SERVER=pgserver forces the bundled server.
DATA_ROOT = Path(os.environ.get("LOCAL_DATA_DIR") or ROOT / ".data")
DATA_DIR = DATA_ROOT / "postgres"
PGSERVER_DIR = DATA_ROOT / "pgserver"


def _cluster(bin_dir: Path) -> LocalPostgres:
    return LocalPostgres(DATA_DIR, port=env_port("LOCAL_PG_PORT", 54329), bin_dir=bin_dir)


def _system_bin_dir() -> Path | None:
    """The machine's server binaries to run the cluster with; None means use pgserver."""
    if os.environ.get("LOCAL_PG_SERVER") == "pgserver":
        return None
    return find_bin_dir()


def ensure_local_database() -> str:
    """Start (or reuse) the local cluster, apply migrations, return its URL.

    Uses the machine's PostgreSQL server binaries; without any, the `pgserver` package (PyPI,
    bundles PostgreSQL) runs the server instead.
    """
    from lib.local.migrate import migrate

    bin_dir = _system_bin_dir()
    if bin_dir is not None:
        cluster = _cluster(bin_dir)
        if not cluster.running():
            try:
                cluster.start()
            except RuntimeError:
                # A second `make dev` may have started it a moment ago: then use it.
                if not cluster.running():
                    raise ConfigError(
                        f"LOCAL_PG_PORT: the local database did not start on port {cluster.port} "
                        f"(in use by another server?); see {DATA_DIR / 'server.log'} or set "
                        f"LOCAL_PG_PORT={cluster.port + 1}"
                    ) from None
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


def local_store_url(settings: Settings) -> str | None:
    """The store of a local run: None when DATABASE_URL or Supabase is configured, else the
    project-local database's URL (started and migrated). `make dev` and the doctor share it."""
    from lib import store

    return None if store.configured(settings) else ensure_local_database()


def stop_local_database() -> None:
    bin_dir = _system_bin_dir()
    if bin_dir is not None:
        _cluster(bin_dir).stop()
    else:
        import pgserver  # type: ignore[import-not-found]

        pgserver.get_server(PGSERVER_DIR, cleanup_mode="stop").cleanup()


def describe_local_database() -> str:
    bin_dir = _system_bin_dir()
    if bin_dir is None:
        return f"pgserver data in {PGSERVER_DIR}"
    cluster = _cluster(bin_dir)
    state = "running" if cluster.running() else "stopped"
    return f"{state}: {cluster.url} (data in {DATA_DIR})"
