"""`make vercel-check`: the real `vercel build` of a throwaway copy, its output checked, and the
built /api/health run under Vercel's own Python runtime against local fakes and a throwaway
PostgreSQL.

Exits non-zero with a clear message on any problem, including a CLI that cannot be installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scripts.vercel_output import CheckFailed, built_functions, bundle_bytes, check_output
from scripts.vercel_runtime_check import check_every_function_loads, check_health_function

ROOT = Path(__file__).resolve().parent.parent
CLI_VERSION = "58.10.0"
TOOLS = ROOT / ".tools"
WORK = ROOT / ".vercel-check"
PROJECT_JSON = {"projectId": "prj_local", "orgId": "team_local", "settings": {"framework": None}}
INSTALL_TIMEOUT_S = 600
BUILD_TIMEOUT_S = 600


@contextmanager
def phase(name: str, timings: dict[str, float]) -> Iterator[None]:
    """Time one step and announce it."""
    print(f"vercel-check: {name} ...", flush=True)
    started = time.monotonic()
    try:
        yield
    finally:
        timings[name] = time.monotonic() - started


def cli_path() -> Path:
    return TOOLS / "node_modules" / ".bin" / "vercel"


def installed_version() -> str | None:
    package = TOOLS / "node_modules" / "vercel" / "package.json"
    if not package.is_file() or not cli_path().exists():
        return None
    return json.loads(package.read_text()).get("version")


def ensure_cli() -> Path:
    """The pinned Vercel CLI under .tools/, installed from the npm registry when missing."""
    if installed_version() == CLI_VERSION:
        return cli_path()
    npm = shutil.which("npm")
    if npm is None:
        raise CheckFailed("npm not found: install Node.js 20+ with npm to run `vercel build`")
    TOOLS.mkdir(exist_ok=True)
    command = [
        npm, "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund",
        "--no-package-lock", "--loglevel=error", f"vercel@{CLI_VERSION}",
    ]  # fmt: skip
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"installing vercel@{CLI_VERSION} timed out") from None
    if result.returncode != 0 or installed_version() != CLI_VERSION:
        tail = (result.stderr or result.stdout).strip()[-2000:]
        raise CheckFailed(f"could not install the Vercel CLI vercel@{CLI_VERSION}:\n{tail}")
    return cli_path()


def copy_project(destination: Path) -> int:
    """Copy tracked and untracked-but-not-ignored files (what a deploy from git would see)."""
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode()  # fmt: skip
    count = 0
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the work tree but still in the index
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
        count += 1
    (destination / ".vercel").mkdir()
    (destination / ".vercel" / "project.json").write_text(json.dumps(PROJECT_JSON))
    return count


def build_env() -> dict[str, str]:
    """Python 3.12 and the pinned uv first on PATH; no telemetry, no interpreter downloads."""
    venv_bin = Path(sys.executable).parent
    base_bin = Path(sys.base_prefix) / "bin"
    path = os.pathsep.join([str(venv_bin), str(base_bin), os.environ.get("PATH", "")])
    return {
        **os.environ,
        "PATH": path,
        "VERCEL_TELEMETRY_DISABLED": "1",
        "NO_UPDATE_NOTIFIER": "1",
        "UV_PYTHON_DOWNLOADS": "never",
    }


def run_build(cli: Path, project: Path) -> str:
    """`vercel build` in the copy; its log, or CheckFailed with the log's tail."""
    env = build_env()
    if shutil.which("uv", path=env["PATH"]) is None:
        raise CheckFailed("uv not found in the venv (requirements-dev.txt pins it): run make setup")
    try:
        result = subprocess.run(
            [str(cli), "build", "--yes"],
            cwd=project, env=env, capture_output=True, text=True,
            timeout=BUILD_TIMEOUT_S, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"vercel build did not finish within {BUILD_TIMEOUT_S} s") from None
    log = result.stdout + result.stderr
    (WORK / "build.log").write_text(log)
    if result.returncode != 0:
        raise CheckFailed(f"vercel build failed (exit {result.returncode}):\n{log[-3000:]}")
    return log


def main() -> int:
    if sys.version_info[:2] != (3, 12):
        print("vercel-check: run it with Python 3.12 (make vercel-check)", file=sys.stderr)
        return 2
    timings: dict[str, float] = {}
    started = time.monotonic()
    project = WORK / "project"
    try:
        with phase(f"Vercel CLI {CLI_VERSION} (.tools/)", timings):
            cli = ensure_cli()
        with phase("copy of the repo (git ls-files -co --exclude-standard)", timings):
            copied = copy_project(project)
        with phase("vercel build", timings):
            run_build(cli, project)
        with phase("build output checks", timings):
            functions = built_functions(project / ".vercel" / "output")
            problems = check_output(project, functions)
            if problems:
                raise CheckFailed("build output problems:\n  - " + "\n  - ".join(problems))
        with phase("built /api/health under vercel_runtime", timings):
            runtime = check_health_function(project, functions, WORK)
        with phase("every other function loads under vercel_runtime", timings):
            problems = check_every_function_loads(project, functions, WORK)
            if problems:
                raise CheckFailed("\n  - ".join(["functions that fail to load:", *problems]))
    except CheckFailed as failure:
        print(f"vercel-check FAILED: {failure}", file=sys.stderr)
        return 1
    total = time.monotonic() - started
    sizes = {route: bundle_bytes(f, project) / 2**20 for route, f in functions.items()}
    print("vercel-check passed")
    print(f"  files copied       {copied}")
    print(f"  functions          {', '.join(f'{r} ({s:.0f} MB)' for r, s in sizes.items())}")
    print(f"  runtime            {runtime}")
    for name, seconds in timings.items():
        print(f"  {seconds:6.1f} s  {name}")
    print(f"  {total:6.1f} s  total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
