"""`python -m lib dev` as a real subprocess: start it, wait until it answers, stop it."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest

from lib.local.localpg import free_port
from tests.conftest import ROOT
from tests.local_http import LOCAL_HTTP


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
            LOCAL_HTTP.get(url + "/api/__ping__", timeout=0.5)
            return process, url
        except httpx.TransportError:
            time.sleep(0.05)  # as conftest's DevServer: every start here waits on this poll
    process.kill()
    pytest.fail("dev server did not come up in 60 s")


def stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    output, _ = process.communicate(timeout=10)
    return output
