"""Checks over a `vercel build` output (.vercel/output): functions, bundles, crons, static."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

RUNTIME = "python3.12"
HANDLER = "vc__handler__python.vc_handler"
# Vercel's unzipped function size limit.
BUNDLE_LIMIT_BYTES = 250 * 1024 * 1024
# Never part of a function bundle: tests, tooling, local data.
FORBIDDEN_IN_BUNDLE = (
    "tests/",
    "bench/",
    "scripts/",
    ".ci/",
    ".venv/",
    ".data/",
    ".tools/",
    "lib/local/",
    "node_modules/",
)
# Never served as a static file.
FORBIDDEN_STATIC_NAMES = frozenset(
    {
        "Makefile",
        "requirements.txt",
        "requirements-dev.txt",
        "pyproject.toml",
        "uv.lock",
        "vercel.json",
        "ruff.toml",
        "pytest.ini",
        ".python-version",
        ".env",
    }
)
FORBIDDEN_STATIC_SUFFIXES = (".py", ".pyc", ".sql", ".toml", ".lock")
FORBIDDEN_STATIC_DIRS = ("api", "lib", "tests", "bench", "scripts", "supabase", ".ci")


class CheckFailed(Exception):
    """vercel-check found a problem; the message says which."""


@dataclass(frozen=True)
class BuiltFunction:
    """One `functions/<route>.func` folder of the build output."""

    route: str
    folder: Path
    config: dict[str, Any]

    @property
    def file_map(self) -> dict[str, str]:
        return self.config.get("filePathMap", {})


def route_of(relative: str) -> str:
    """`api/health/index.py` or `api/health.func` → `/api/health`."""
    stem = relative.removesuffix(".py").removesuffix(".func")
    return "/" + stem.removesuffix("/index")


def endpoint_files(project: Path) -> dict[str, str]:
    """Route → source file for every function Vercel should build from `api/**/*.py`."""
    files = sorted((project / "api").rglob("*.py"))
    return {
        route_of(str(p.relative_to(project))): str(p.relative_to(project))
        for p in files
        if not any(part.startswith(("_", ".")) for part in p.relative_to(project / "api").parts)
    }


def built_functions(output: Path) -> dict[str, BuiltFunction]:
    """Route → built function (folders may be symlinks to a shared one)."""
    functions = output / "functions"
    found: dict[str, BuiltFunction] = {}
    for folder in sorted(functions.rglob("*.func")) if functions.is_dir() else []:
        config_file = folder.resolve() / ".vc-config.json"
        if config_file.is_file():
            route = route_of(str(folder.relative_to(functions)))
            found[route] = BuiltFunction(
                route, folder.resolve(), json.loads(config_file.read_text())
            )
    return found


@cache
def glob_regex(pattern: str) -> re.Pattern[str]:
    """Translate a Vercel/minimatch glob (`**`, `*`, `?`, nested `{a,b}`) into a regex."""
    out: list[str] = []
    depth = 0
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "{":
            depth += 1
            out.append("(?:")
        elif char == "}" and depth:
            depth -= 1
            out.append(")")
        elif char == "," and depth:
            out.append("|")
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out) + r"\Z")


def matches(pattern: str, path: str) -> bool:
    return glob_regex(pattern).match(path) is not None


def function_settings(vercel_json: dict[str, Any], source: str) -> dict[str, Any]:
    """The `functions` entry Vercel applies to a source file: the first pattern that matches."""
    for pattern, settings in vercel_json.get("functions", {}).items():
        if matches(pattern, source):
            return settings
    return {}


def bundle_bytes(function: BuiltFunction, project: Path) -> int:
    """Unzipped size of the function: every file of its filePathMap."""
    total = 0
    for source in function.file_map.values():
        path = Path(source) if Path(source).is_absolute() else project / source
        if path.is_file():
            total += path.stat().st_size
    return total


def check_built_something(output: Path) -> list[str]:
    config = output / "config.json"
    if not config.is_file():
        return [f"{config} missing: `vercel build` built nothing"]
    if not (output / "functions").is_dir():
        return ["no functions/ folder in the build output: `vercel build` built no function"]
    return []


def check_functions(
    project: Path, built: dict[str, BuiltFunction], vercel_json: dict[str, Any]
) -> list[str]:
    """One python3.12 function per endpoint, each bundling its entrypoint and `lib/`."""
    problems: list[str] = []
    expected = endpoint_files(project)
    for route in sorted(set(expected) - set(built)):
        problems.append(f"{expected[route]}: no function built (no `app` or `handler` in it?)")
    for route in sorted(set(built) - set(expected)):
        problems.append(f"{route}: function built from no api/ file")
    lib_files = sorted(str(p.relative_to(project)) for p in (project / "lib").rglob("*.py"))
    for route in sorted(set(expected) & set(built)):
        source, function = expected[route], built[route]
        config, file_map = function.config, function.file_map
        settings = function_settings(vercel_json, source)
        if config.get("runtime") != RUNTIME:
            problems.append(f"{route}: runtime {config.get('runtime')!r}, expected {RUNTIME}")
        if config.get("handler") != HANDLER:
            problems.append(f"{route}: handler {config.get('handler')!r}, expected {HANDLER}")
        if source not in file_map:
            problems.append(f"{route}: its own file {source} is not in the bundle")
        excluded = settings.get("excludeFiles")
        for lib_file in lib_files:
            if lib_file not in file_map and not (excluded and matches(excluded, lib_file)):
                problems.append(f"{route}: {lib_file} not bundled (filePathMap)")
        if "vercel_runtime/vc_init.py" not in {k.removeprefix("_vendor/") for k in file_map}:
            problems.append(f"{route}: vercel_runtime is not bundled")
        for key in file_map:
            if key.startswith(FORBIDDEN_IN_BUNDLE):
                problems.append(f"{route}: bundles {key} (add it to excludeFiles)")
                break
        wanted = settings.get("maxDuration")
        if wanted is not None and config.get("maxDuration") != wanted:
            problems.append(
                f"{route}: maxDuration {config.get('maxDuration')}, vercel.json says {wanted}"
                " (a specific `functions` pattern must come before `api/**/*.py`)"
            )
        size = bundle_bytes(function, project)
        if size > BUNDLE_LIMIT_BYTES:
            problems.append(f"{route}: bundle is {size / 2**20:.0f} MB, over Vercel's 250 MB")
    return problems


def check_crons(
    output: Path, built: dict[str, BuiltFunction], vercel_json: dict[str, Any]
) -> list[str]:
    """Every cron of vercel.json is in the build's `crons` and points at a built function."""
    problems: list[str] = []
    config = json.loads((output / "config.json").read_text())
    built_crons = {(c.get("path"), c.get("schedule")) for c in config.get("crons", [])}
    for cron in vercel_json.get("crons", []):
        path, schedule = cron.get("path"), cron.get("schedule")
        if (path, schedule) not in built_crons:
            problems.append(f"cron {path} ({schedule}) missing from the build's config.json")
        route = str(path).split("?", 1)[0].rstrip("/")
        if route not in built:
            problems.append(f"cron {path}: no function serves {route}")
    return problems


def check_static(project: Path, output: Path) -> list[str]:
    """Only `public/` is served as static files: no source, requirements, Makefile or tests."""
    problems: list[str] = []
    static = output / "static"
    public = project / "public"
    for path in sorted(p for p in static.rglob("*") if p.is_file()) if static.is_dir() else []:
        relative = path.relative_to(static)
        name = str(relative)
        if (
            path.name in FORBIDDEN_STATIC_NAMES
            or path.name.startswith("requirements")
            or path.suffix in FORBIDDEN_STATIC_SUFFIXES
            or relative.parts[0] in FORBIDDEN_STATIC_DIRS
        ):
            problems.append(f"static/{name} is served publicly (source or tooling)")
        elif not (public / relative).is_file():
            problems.append(f"static/{name} does not come from public/")
    return problems


DASHBOARD_LIBRARY = ("uPlot.iife.min.js", "uPlot.min.css")


def check_dashboard(project: Path, output: Path) -> list[str]:
    """The build installed the charting library from npm and serves it beside the dashboard:
    the copy (which holds neither node_modules/ nor public/dashboard/vendor/, both ignored) got
    them from `npm ci` + `npm run build`, and the static output has the very files npm installed."""
    problems: list[str] = []
    static = output / "static" / "dashboard"
    installed = project / "node_modules" / "uplot"
    if not (installed / "package.json").is_file():
        return ["the build did not install uplot from npm (installCommand)"]
    version = json.loads((installed / "package.json").read_text())["version"]
    locked = json.loads((project / "package-lock.json").read_text())["packages"]
    if locked.get("node_modules/uplot", {}).get("version") != version:
        problems.append(f"uplot {version} installed, package-lock.json says otherwise")
    for name in DASHBOARD_LIBRARY:
        served = static / "vendor" / name
        if not served.is_file():
            problems.append(f"static/dashboard/vendor/{name} missing: the buildCommand did not run")
        elif served.read_bytes() != (installed / "dist" / name).read_bytes():
            problems.append(f"static/dashboard/vendor/{name} differs from npm's uplot {version}")
    page = static / "index.html"
    if not page.is_file():
        problems.append("static/dashboard/index.html missing")
    else:
        html = page.read_text()
        for name in DASHBOARD_LIBRARY:
            if f'"/dashboard/vendor/{name}"' not in html:
                problems.append(f"dashboard/index.html does not load /dashboard/vendor/{name}")
        if "://" in "".join(line for line in html.splitlines() if "<script" in line):
            problems.append("dashboard/index.html loads a script from another origin (a CDN)")
    config = json.loads((output / "config.json").read_text())
    if not any(r.get("src", "").startswith("^/dashboard") for r in config.get("routes", [])):
        problems.append("config.json has no /dashboard route (vercel.json rewrites)")
    return problems


# Pages and assets the `headers` of vercel.json must reach, and a function path they must not
# (functions send their own, lib/core/http.py).
PAGE_PATHS = (
    "/",
    "/status",
    "/dashboard",
    "/shared/core.js",
    "/status/status.js",
    "/status/words.js",
    "/dashboard/dashboard.js",
    "/dashboard/charts.js",
    "/dashboard/incidents.js",
    "/dashboard/visitors.js",
    "/dashboard/checks.js",
    "/dashboard/alerts.js",
)
FUNCTION_PATH = "/api/health"


def route_headers(config: dict[str, Any], path: str) -> dict[str, str]:
    """The headers the build's routes add to a request for `path` (routes before the first
    `handle` phase, where `vercel.json` headers are compiled to)."""
    found: dict[str, str] = {}
    for route in config.get("routes", []):
        if "handle" in route:
            break
        src, headers = route.get("src"), route.get("headers")
        if src and headers and re.match(src, path):
            found.update({key.lower(): value for key, value in headers.items()})
    return found


def check_headers(project: Path, output: Path) -> list[str]:
    """Every page and asset gets the security headers vercel.json declares, with a CSP that
    allows no inline script or style and no framing; functions are left to their own."""
    declared: dict[str, str] = {}
    for entry in json.loads((project / "vercel.json").read_text()).get("headers", []):
        declared.update({h["key"].lower(): h["value"] for h in entry.get("headers", [])})
    problems = []
    csp = declared.get("content-security-policy", "")
    if not csp or "unsafe-inline" in csp or "unsafe-eval" in csp:
        problems.append(f"vercel.json: the pages' Content-Security-Policy is {csp!r}")
    if "frame-ancestors 'none'" not in csp or declared.get("x-frame-options") != "DENY":
        problems.append("vercel.json: pages may be framed (frame-ancestors / X-Frame-Options)")
    if declared.get("x-content-type-options") != "nosniff" or "referrer-policy" not in declared:
        problems.append("vercel.json: nosniff or Referrer-Policy missing for pages")
    config = json.loads((output / "config.json").read_text())
    for path in PAGE_PATHS:
        served = route_headers(config, path)
        for key, value in declared.items():
            if served.get(key) != value:
                problems.append(f"config.json routes: {path} gets {key} {served.get(key)!r}")
    if "content-security-policy" in route_headers(config, FUNCTION_PATH):
        problems.append(f"config.json routes: the pages' CSP also reaches {FUNCTION_PATH}")
    return problems


def check_output(project: Path, built: dict[str, BuiltFunction]) -> list[str]:
    """Every problem found in `project/.vercel/output` (`built`: its built_functions); empty when
    the build is right."""
    output = project / ".vercel" / "output"
    problems = check_built_something(output)
    if problems:
        return problems
    vercel_json = json.loads((project / "vercel.json").read_text())
    return [
        *check_functions(project, built, vercel_json),
        *check_crons(output, built, vercel_json),
        *check_static(project, output),
        *check_dashboard(project, output),
        *check_headers(project, output),
    ]
