"""`make dev` with nothing configured: a project-local PostgreSQL is started, migrated and used."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from lib.local.localpg import free_port
from tests.conftest import ROOT


def run_dev(env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "lib", "dev", "--port", str(port)],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "ENV_FILE": "", "DEV_SERVER_QUIET": "1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"make dev exited: {process.stdout.read()}")  # type: ignore[union-attr]
        try:
            httpx.get(url + "/api/__ping__", timeout=0.5)
            return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    pytest.fail("dev server did not come up in 60 s")


def stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    output, _ = process.communicate(timeout=10)
    return output


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A folder the server's own user can reach (pytest's tmp root is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="carbot-dev-"))
    path.chmod(0o755)
    yield path / "data"
    shutil.rmtree(path, ignore_errors=True)


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
