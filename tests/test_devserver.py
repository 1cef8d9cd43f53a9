"""The dev server a newcomer meets: the banner lists the pages first, `/` links them, and a wrong
DATABASE_URL is named at start-up with the reason."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import httpx
import pytest

from lib.local.localpg import LocalPostgres, free_port
from tests.conftest import DB_PASSWORD, ROOT, assert_no_secret


def start_dev(env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """`python -m lib dev` (what `make dev` runs) with only the given settings."""
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
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"make dev exited: {process.stdout.read()}")  # type: ignore[union-attr]
        try:
            httpx.get(url + "/api/__ping__", timeout=0.5)
            return process, url
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    pytest.fail("dev server did not come up in 30 s")


def output_of(process: subprocess.Popen[str]) -> str:
    process.terminate()
    output, _ = process.communicate(timeout=10)
    return output


def test_the_banner_lists_the_pages_first_and_home_links_them(migrated_db: str) -> None:
    process, url = start_dev({"DATABASE_URL": migrated_db})
    try:
        home = httpx.get(url + "/", timeout=10)
        status_page = httpx.get(url + "/status", timeout=10)
    finally:
        output = output_of(process)
    links = set(re.findall(r'href="([^"]+)"', home.text))
    assert {"/status", "/dashboard", "/api/health"} <= links
    assert status_page.status_code == 200
    urls = re.findall(rf"{url}(\S*)", output)
    assert urls[:4] == ["", "/", "/dashboard", "/status"], output
    first_api = next(i for i, path in enumerate(urls) if path.startswith("/api/"))
    assert urls.index("/status") < first_api and urls.index("/dashboard") < first_api
    assert "Monitor schema: up to date" in output
    assert "WARNING" not in output


@pytest.mark.parametrize(
    ("database", "reason"),
    [
        ("unknown", "unknown database"),
        ("refused", "connection refused"),
        ("role", "unknown user"),
    ],
)
def test_a_wrong_database_url_is_named_with_the_reason(
    pg: LocalPostgres, database: str, reason: str
) -> None:
    if database == "refused":
        bad = f"postgresql://postgres:{DB_PASSWORD}@127.0.0.1:{free_port()}/postgres"
    elif database == "role":
        bad = f"postgresql://nobody:{DB_PASSWORD}@127.0.0.1:{pg.port}/postgres"
    else:
        bad = f"postgresql://postgres:{DB_PASSWORD}@127.0.0.1:{pg.port}/nope_db"
    process, _ = start_dev({"DATABASE_URL": bad})
    output = output_of(process)
    (line,) = [line for line in output.splitlines() if line.startswith("WARNING")]
    assert line.startswith(f"WARNING DATABASE_URL: the database did not answer ({reason})")
    assert "unset it to use the local database" in line
    assert "nope_db" not in output and "nobody" not in output, "the value is never printed"
    assert_no_secret(output)
