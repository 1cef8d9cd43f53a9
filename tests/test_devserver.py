"""The dev server a newcomer meets: the banner lists the pages first, `/` links them, and a wrong
DATABASE_URL is named at start-up with the reason."""

from __future__ import annotations

import re

import httpx
import pytest

from lib.local.localpg import LocalPostgres, free_port
from tests.conftest import DB_PASSWORD, assert_no_secret
from tests.devprocess import run_dev, stop


def test_the_banner_lists_the_pages_first_and_home_links_them(migrated_db: str) -> None:
    process, url = run_dev({"DATABASE_URL": migrated_db})
    try:
        home = httpx.get(url + "/", timeout=10)
        status_page = httpx.get(url + "/status", timeout=10)
    finally:
        output = stop(process)
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
    process, _ = run_dev({"DATABASE_URL": bad})
    output = stop(process)
    (line,) = [line for line in output.splitlines() if line.startswith("WARNING")]
    assert line.startswith(f"WARNING DATABASE_URL: the database did not answer ({reason})")
    assert "unset it to use the local database" in line
    assert "nope_db" not in output and "nobody" not in output, "the value is never printed"
    assert_no_secret(output)
