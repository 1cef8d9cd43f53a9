"""The checks `make vercel-check` runs over a build output, on small hand-made outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.vercel_output import (
    PAGE_PATHS,
    built_functions,
    check_crons,
    check_functions,
    check_headers,
    check_static,
    endpoint_files,
    function_settings,
    matches,
    route_headers,
)

EXCLUDE = "{{tests,bench,scripts}/**,Makefile,requirements-dev.txt}"


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("api/**/*.py", "api/health.py", True),
        ("api/**/*.py", "api/health/integrations.py", True),
        ("api/**/*.py", "lib/health.py", False),
        ("api/cron/*.py", "api/cron/health_check.py", True),
        ("api/cron/*.py", "api/cron/x/y.py", False),
        (EXCLUDE, "tests/fakes/vendors.py", True),
        (EXCLUDE, "Makefile", True),
        (EXCLUDE, "lib/config.py", False),
        (EXCLUDE, "requirements.txt", False),
    ],
)
def test_glob_matches_like_vercel(pattern: str, path: str, expected: bool) -> None:
    assert matches(pattern, path) is expected


def test_first_matching_functions_pattern_applies() -> None:
    vercel_json = {
        "functions": {"api/cron/*.py": {"maxDuration": 60}, "api/**/*.py": {"maxDuration": 10}}
    }
    assert function_settings(vercel_json, "api/cron/daily_metrics.py") == {"maxDuration": 60}
    assert function_settings(vercel_json, "api/health.py") == {"maxDuration": 10}


def write(path: Path, text: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def make_function(output: Path, route: str, config: dict[str, object]) -> None:
    write(
        output / "functions" / f"{route.lstrip('/')}.func" / ".vc-config.json", json.dumps(config)
    )


def good_config(source: str, **extra: object) -> dict[str, object]:
    files = [source, "lib/__init__.py", "_vendor/vercel_runtime/vc_init.py"]
    return {
        "runtime": "python3.12",
        "handler": "vc__handler__python.vc_handler",
        "filePathMap": {f: f for f in files},
        **extra,
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in (
        "api/health.py",
        "api/health/integrations.py",
        "api/_shared.py",
        "lib/__init__.py",
    ):
        write(tmp_path / name)
    write(tmp_path / "public" / "index.html", "<html>")
    return tmp_path


def test_endpoints_skip_underscore_files(project: Path) -> None:
    assert endpoint_files(project) == {
        "/api/health": "api/health.py",
        "/api/health/integrations": "api/health/integrations.py",
    }


def test_functions_ok_and_each_problem_named(project: Path) -> None:
    output = project / ".vercel" / "output"
    make_function(output, "/api/health", good_config("api/health.py", maxDuration=10))
    vercel_json = {"functions": {"api/**/*.py": {"maxDuration": 10}}}
    problems = check_functions(project, built_functions(output), vercel_json)
    assert problems == [
        "api/health/integrations.py: no function built (no `app` or `handler` in it?)"
    ]

    bad = good_config("api/health/integrations.py", runtime="python3.9", maxDuration=60)
    bad["filePathMap"] = {"api/health/integrations.py": "x", "tests/conftest.py": "x"}  # type: ignore[index]
    make_function(output, "/api/health/integrations", bad)
    text = "\n".join(check_functions(project, built_functions(output), vercel_json))
    assert "runtime 'python3.9'" in text
    assert "lib/__init__.py not bundled" in text
    assert "vercel_runtime is not bundled" in text
    assert "bundles tests/conftest.py" in text
    assert "maxDuration 60, vercel.json says 10" in text


def test_crons_must_be_built_and_backed_by_a_function(project: Path) -> None:
    output = project / ".vercel" / "output"
    make_function(output, "/api/cron/health_check", good_config("api/cron/health_check.py"))
    cron = {"path": "/api/cron/health_check", "schedule": "*/5 * * * *"}
    orphan = {"path": "/api/cron/weekly_report?x=1", "schedule": "0 6 * * 1"}
    write(output / "config.json", json.dumps({"version": 3, "crons": [cron, orphan]}))
    built = built_functions(output)
    assert check_crons(output, built, {"crons": [cron]}) == []
    assert check_crons(output, built, {"crons": [cron, orphan]}) == [
        "cron /api/cron/weekly_report?x=1: no function serves /api/cron/weekly_report"
    ]
    write(output / "config.json", json.dumps({"version": 3, "crons": []}))
    assert (
        "missing from the build's config.json" in check_crons(output, built, {"crons": [cron]})[0]
    )


def test_static_only_from_public(project: Path) -> None:
    output = project / ".vercel" / "output"
    write(output / "static" / "index.html", "<html>")
    assert check_static(project, output) == []
    write(output / "static" / "lib" / "config.py")
    write(output / "static" / "requirements.txt")
    write(output / "static" / "Makefile")
    write(output / "static" / "other.html")
    assert check_static(project, output) == [
        "static/Makefile is served publicly (source or tooling)",
        "static/lib/config.py is served publicly (source or tooling)",
        "static/other.html does not come from public/",
        "static/requirements.txt is served publicly (source or tooling)",
    ]


def headers_project(tmp_path: Path, routes: list[dict[str, object]]) -> tuple[Path, Path]:
    project = tmp_path / "project"
    write(project / "vercel.json", (Path(__file__).parents[1] / "vercel.json").read_text())
    output = project / ".vercel" / "output"
    write(output / "config.json", json.dumps({"version": 3, "routes": routes}))
    return project, output


def test_the_built_routes_must_carry_the_page_headers(tmp_path: Path) -> None:
    declared = json.loads((Path(__file__).parents[1] / "vercel.json").read_text())["headers"][0]
    headers = {h["key"]: h["value"] for h in declared["headers"]}
    # What `vercel build` makes of vercel.json's `headers` (Build Output API v3 routes).
    good = [
        {"src": "^/((?!api/).*)$", "headers": headers, "continue": True},
        {"handle": "filesystem"},
    ]
    assert check_headers(*headers_project(tmp_path / "good", good)) == []
    lost = [{"handle": "filesystem"}, good[0]]  # after the filesystem phase: never applied
    problems = check_headers(*headers_project(tmp_path / "lost", lost))
    assert len(problems) == len(PAGE_PATHS) * len(headers)  # every header of every page
    everywhere = [{"src": "^/(.*)$", "headers": headers, "continue": True}]
    assert check_headers(*headers_project(tmp_path / "all", everywhere)) == [
        "config.json routes: the pages' CSP also reaches /api/health"
    ]
    weak = {**headers, "Content-Security-Policy": "default-src 'self' 'unsafe-inline'"}
    assert route_headers({"routes": [{"src": "^/(.*)$", "headers": weak}]}, "/status") == {
        k.lower(): v for k, v in weak.items()
    }
