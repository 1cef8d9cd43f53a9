"""Local tooling mistakes are one clear line naming the setting and the fix, never a traceback;
`python -m lib check-config` validates settings and monitoring.toml before a deploy."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from lib.local.localpg import free_port
from tests.conftest import ROOT
from tests.devprocess import run_dev, stop


def cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lib", *args],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "ENV_FILE": "", **env},
        capture_output=True,
        text=True,
        timeout=90,
    )


def one_clear_line(result: subprocess.CompletedProcess[str], *words: str) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_bad_port_settings(tmp_path: Path) -> None:
    one_clear_line(cli("dev", PORT="abc"), "PORT: not a port number", "PORT=3000")
    one_clear_line(cli("dev", PORT="70000"), "PORT: not a port number")
    result = cli("db", "status", LOCAL_PG_PORT="5x", LOCAL_DATA_DIR=str(tmp_path))
    one_clear_line(result, "LOCAL_PG_PORT: not a port number", "LOCAL_PG_PORT=54329")
    devserver = subprocess.run(
        [sys.executable, "-m", "lib.local.devserver"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "PORT": "x"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    one_clear_line(devserver, "PORT: not a port number")


def test_a_busy_port_names_the_fix(migrated_db: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("dev", "--port", str(port), DATABASE_URL=migrated_db)
    one_clear_line(result, f"port {port} is already in use", "another `make dev`", "PORT=")


@pytest.fixture(scope="module")
def local_database() -> Iterator[tuple[dict[str, str], subprocess.CompletedProcess[str]]]:
    """A project-local database made by `python -m lib migrate` with nothing configured (initdb,
    start, migrate: seconds), shared by this module's tests; stopped and removed afterwards.
    Yields the environment naming it and that first `migrate`'s result."""
    folder = Path(tempfile.mkdtemp(prefix="carbot-tooling-"))
    folder.chmod(0o755)  # the server's own user must reach it (pytest's tmp root is private)
    env = {"LOCAL_DATA_DIR": str(folder / "data"), "LOCAL_PG_PORT": str(free_port())}
    try:
        yield env, cli("migrate", **env)
    finally:
        cli("db", "stop", **env)
        shutil.rmtree(folder, ignore_errors=True)


def test_migrate_without_argument_uses_the_local_database(
    local_database: tuple[dict[str, str], subprocess.CompletedProcess[str]],
) -> None:
    _, result = local_database
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("local database: postgresql://postgres@127.0.0.1:")


def test_two_make_dev_at_once(
    local_database: tuple[dict[str, str], subprocess.CompletedProcess[str]],
) -> None:
    env, _ = local_database
    process, url = run_dev(env)
    try:
        port = url.rsplit(":", 1)[1]
        second = cli("dev", "--port", port, **env)
        one_clear_line(second, f"port {port} is already in use")
    finally:
        stop(process)


def test_migrate_with_a_bad_url() -> None:
    one_clear_line(cli("migrate", "--database-url", "mysql://x"), "not a postgresql:// URL")
    refused = f"postgresql://postgres:pw-SECRET@127.0.0.1:{free_port()}/db"
    line = one_clear_line(cli("migrate", "--database-url", refused), "connection refused")
    assert "pw-SECRET" not in line
    line = one_clear_line(cli("migrate", DATABASE_URL="https://example"), "DATABASE_URL")
    assert "example" not in line


def test_missing_files_named_explicitly_are_errors(tmp_path: Path) -> None:
    result = cli("check-config", ENV_FILE=str(tmp_path / "prod.env"))
    assert result.returncode == 1
    assert result.stdout.startswith("error: ENV_FILE: no such file")
    one_clear_line(cli("dev", ENV_FILE=str(tmp_path / "prod.env")), "ENV_FILE: no such file")
    result = cli("check-config", MONITOR_CONFIG=str(tmp_path / "mon.toml"))
    assert result.returncode == 1
    assert "error: MONITOR_CONFIG: mon.toml: cannot read the file" in result.stdout
    one_clear_line(cli("dev", MONITOR_CONFIG=str(tmp_path / "mon.toml")), "mon.toml: cannot read")


def test_check_config_on_the_example_and_on_a_typo(tmp_path: Path) -> None:
    example = cli("check-config", "--file", "monitoring.example.toml")
    assert example.returncode == 0, example.stdout + example.stderr
    from lib.alerts.rules import RULES_BY_NAME  # the example enables every rule, as the defaults

    assert example.stdout.splitlines() == [
        "settings: ok",
        f"monitoring.example.toml: ok ({len(RULES_BY_NAME)} alert rules enabled)",
    ]
    bad = tmp_path / "monitoring.toml"
    bad.write_text("[alerts.service_down]\nthreshold = 15\nseverity = 'loud'\n")
    result = cli("check-config", "--file", str(bad))
    assert result.returncode == 1
    assert result.stdout.splitlines()[1] == (
        "error: MONITOR_CONFIG: monitoring.toml line 3: alerts.service_down.severity: "
        "Input should be 'critical', 'warning' or 'info'"
    )
    assert "loud" not in result.stdout
    settings = cli("check-config", HEALTH_TIMEOUT_MS="5")
    assert settings.stdout.startswith("error: invalid configuration: HEALTH_TIMEOUT_MS")


@pytest.mark.parametrize("name", ["vercel.json crons", "Makefile vercel-check"])
def test_check_config_runs_before_a_deploy(name: str) -> None:
    if name == "Makefile vercel-check":
        target = (ROOT / "Makefile").read_text().split("\nvercel-check:", 1)[1].split("\n\n")[0]
        assert "-m lib check-config" in target
    else:
        import json

        from lib.alerts.rules.operations import CRON_JOBS

        crons = json.loads((ROOT / "vercel.json").read_text())["crons"]
        jobs = {c["path"].removeprefix("/api/cron/") for c in crons}
        assert jobs <= set(CRON_JOBS), "a new cron job belongs in CRON_JOBS (cron_late's jobs)"
        schedule = next(c["schedule"] for c in crons if c["path"].endswith("/health_check"))
        assert schedule == "*/5 * * * *", "HEALTH_CHECK_EVERY_MIN's default (5) follows it"
