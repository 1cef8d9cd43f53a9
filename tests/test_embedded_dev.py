"""`make dev` with nothing configured: a project-local PostgreSQL is started, migrated and used."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from lib.local.localpg import free_port
from tests.conftest import ROOT
from tests.devprocess import run_dev, stop


@pytest.mark.parametrize("server", ["system", "pgserver"])
def test_dev_with_nothing_configured_uses_a_local_database(data_dir: Path, server: str) -> None:
    env = {"LOCAL_DATA_DIR": str(data_dir), "LOCAL_PG_PORT": str(free_port())}
    if server == "pgserver":
        env["LOCAL_PG_SERVER"] = "pgserver"
    process, url = run_dev(env)
    try:
        body = httpx.get(url + "/api/health", timeout=10).json()
        assert body["services"]["database"] == "connected"
        assert body["status"] == "healthy"
        database = httpx.get(url + "/api/health/database", timeout=10).json()
        assert database["status"] in ("healthy", "degraded")
        assert database["largest_tables"], "the migrations were applied"
    finally:
        output = stop(process)
    assert "Local database (migrated)" in output
    # A second start reuses the same data directory and finds the migrations applied.
    process, url = run_dev(env)
    try:
        assert (
            httpx.get(url + "/api/health", timeout=10).json()["services"]["database"] == "connected"
        )
    finally:
        stop(process)
    result = subprocess.run(
        [sys.executable, "-m", "lib", "db", "stop"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "ENV_FILE": "", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
