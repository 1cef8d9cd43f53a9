"""What a cold function does at load, before its first request (fresh interpreters, as Vercel)."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

# Loads api/<name>.py by path the way Vercel's runtime does, reports what is in memory, then
# (optionally) answers one GET.
LOAD = """
import gc, importlib.util, json, sys
sys.path.insert(0, ".")
spec = importlib.util.spec_from_file_location("api.function", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
loaded = {name: name in sys.modules for name in ("psycopg", "supabase", "httpcore")}
report = {"loaded": loaded, "gc_enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}
if sys.argv[2] == "request":
    statuses = []
    body = b"".join(module.app(
        {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": "", "wsgi.input": None},
        lambda status, headers: statuses.append(status),
    ))
    report["status"], report["body"] = statuses[0], body.decode()
print(json.dumps(report))
"""


def load(function: str, env: dict[str, str], then: str = "") -> dict[str, object]:
    """The report of one fresh interpreter loading `function` with `env` (and `then`)."""
    return dict(_load(function, tuple(sorted(env.items())), then))


@functools.cache
def _load(function: str, env: tuple[tuple[str, str], ...], then: str) -> dict[str, object]:
    # The same load twice in one module (e.g. api/health.py with nothing set) asks one
    # interpreter: each report is of a fresh interpreter all the same, and one start costs ~1 s.
    process = subprocess.run(
        [sys.executable, "-c", LOAD, function, then],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "ENV_FILE": "", **dict(env)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 0, process.stderr
    return {**json.loads(process.stdout), "log": process.stderr}


def test_health_loads_the_postgres_driver_and_http_transport_before_the_first_request() -> None:
    # Nothing listens on port 1: loading must not connect, only import.
    report = load("api/health.py", {"DATABASE_URL": "postgresql://monitor@127.0.0.1:1/postgres"})
    assert report["loaded"] == {"psycopg": True, "supabase": False, "httpcore": True}


def test_health_loads_supabase_py_when_it_is_the_store() -> None:
    env = {"SUPABASE_URL": "http://127.0.0.1:1", "SUPABASE_SERVICE_ROLE_KEY": "service-role-key"}
    report = load("api/health.py", env)
    assert report["loaded"] == {"psycopg": False, "supabase": True, "httpcore": True}


def test_nothing_configured_loads_no_database_driver() -> None:
    report = load("api/health.py", {})
    assert report["loaded"] == {"psycopg": False, "supabase": False, "httpcore": True}


@pytest.mark.parametrize("function", ["api/health.py", "api/status.py", "api/cron/health_check.py"])
def test_the_gc_paused_for_loading_is_running_again_with_the_loaded_objects_frozen(
    function: str,
) -> None:
    report = load(function, {})
    assert report["gc_enabled"] is True
    assert isinstance(report["frozen"], int) and report["frozen"] > 10_000


def test_a_bad_setting_does_not_break_loading_and_each_request_names_it() -> None:
    report = load("api/health.py", {"HEALTH_TIMEOUT_MS": "soon"}, then="request")
    assert report["gc_enabled"] is True
    assert str(report["status"]).startswith("500")
    # Public: only "configuration error"; the function log names the setting, never its value.
    assert report["body"] == '{"error":"configuration error; see the function log"}'
    assert "invalid configuration: HEALTH_TIMEOUT_MS" in str(report["log"])
    assert "soon" not in str(report["log"])
