"""Local server for `make dev` and tests: Vercel's file-system routing over `api/` and `public/`."""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import mimetypes
import os
import sys
import threading
from pathlib import Path
from socketserver import ThreadingMixIn
from types import ModuleType
from typing import Any
from urllib.parse import quote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from lib.core.config import Settings
from lib.core.errors import ConfigError
from lib.core.http import SECURITY_HEADERS
from lib.local.ports import busy_port_error, env_port
from lib.local.vercel_headers import headers_for
from lib.local.vercel_rewrites import rewrite

ROOT = Path(__file__).resolve().parents[2]


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """One thread per request, as concurrent requests hit separate Vercel instances."""

    daemon_threads = True
    allow_reuse_address = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if os.environ.get("DEV_SERVER_QUIET") != "1":
            super().log_message(format, *args)


class FunctionLoader:
    """Loads `api/<path>.py` the way Vercel does: by file path, project root importable."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._modules: dict[Path, tuple[float, ModuleType]] = {}

    def functions(self) -> list[str]:
        return sorted(
            "/" + str(p.relative_to(self.root).with_suffix("")).removesuffix("/index")
            for p in (self.root / "api").rglob("*.py")
            if not p.name.startswith("_")
        )

    def resolve(self, path: str) -> Path | None:
        relative = path.strip("/")
        if not relative.startswith("api") or ".." in relative.split("/"):
            return None
        for candidate in (self.root / f"{relative}.py", self.root / relative / "index.py"):
            try:
                if candidate.is_file():
                    return candidate
            except OSError:  # a path segment longer than a file name can be: no such function
                return None
        # Vercel's dynamic segment: api/incidents/[id].py answers /api/incidents/<anything>.
        parent, _, segment = relative.rpartition("/")
        dynamic = sorted((self.root / parent).glob("[[]*[]].py")) if parent and segment else []
        return dynamic[0] if len(dynamic) == 1 else None

    def load(self, file: Path) -> ModuleType:
        mtime = file.stat().st_mtime
        with self._lock:
            cached = self._modules.get(file)
            if cached and cached[0] == mtime:
                return cached[1]
            name = "vc_" + "_".join(file.relative_to(self.root).with_suffix("").parts)
            spec = importlib.util.spec_from_file_location(name, file)
            assert spec and spec.loader
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            self._modules[file] = (mtime, module)
            return module


def static_file(root: Path, path: str) -> Path | None:
    """What Vercel serves from `public/`: `/x` → x, x/index.html or x.html."""
    public = (root / "public").resolve()
    relative = path.lstrip("/")
    for candidate in (
        public / relative,
        public / relative / "index.html",
        public / f"{relative}.html",
    ):
        resolved = candidate.resolve()
        if resolved.is_file() and resolved.is_relative_to(public):
            return resolved
    return None


def make_app(root: Path = ROOT) -> Any:
    loader = FunctionLoader(root)

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "/")
        # vercel.json `rewrites` into a function (/api/ping/<token>, /api/alerts/<key>/ack)
        if path.startswith("/api/") and loader.resolve(path) is None:
            path, query = rewrite(root / "vercel.json", path, environ.get("QUERY_STRING", ""))
            environ = {**environ, "PATH_INFO": path, "QUERY_STRING": query}
        function = loader.resolve(path)
        if function is not None:
            if function.name.startswith("["):  # Vercel passes the segment as a query parameter
                name = function.stem.strip("[]")
                value = quote(path.rstrip("/").rpartition("/")[2], safe="")
                query = environ.get("QUERY_STRING", "")
                environ["QUERY_STRING"] = f"{query}&{name}={value}" if query else f"{name}={value}"
            module = loader.load(function)
            return module.app(environ, start_response)
        # The security headers vercel.json declares for pages (one source for both servers);
        # an unknown /api path gets what every function answers with.
        extra = headers_for(root / "vercel.json", path)
        if path.startswith("/api/") or path == "/api":
            extra = {**SECURITY_HEADERS, **extra}
        asset = static_file(root, path)
        if asset is not None and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            body = asset.read_bytes()
            content_type = mimetypes.guess_type(asset.name)[0] or "application/octet-stream"
            start_response(
                "200 OK",
                [
                    ("Content-Type", content_type),
                    ("Content-Length", str(len(body))),
                    *extra.items(),
                ],
            )
            return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        body = b'{"error":"not found"}'
        start_response(
            "404 Not Found",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                *extra.items(),
            ],
        )
        return [body]

    app.loader = loader  # type: ignore[attr-defined]
    return app


def bind(host: str, port: int) -> WSGIServer:
    """The listening server; a busy or forbidden port is a ConfigError naming PORT."""
    try:
        return make_server(
            host, port, make_app(ROOT), server_class=ThreadingWSGIServer, handler_class=QuietHandler
        )
    except OSError as error:
        raise busy_port_error(error, "PORT", port) from None


def pages(root: Path = ROOT) -> list[str]:
    """The HTML pages of `public/` a person opens (`/status`, `/dashboard`), `/` first."""
    public = root / "public"
    found = ["/" + str(p.parent.relative_to(public)) for p in public.glob("*/index.html")]
    return ["/", *sorted(found)]


def serve(server: WSGIServer, host: str, warnings: tuple[str, ...] = ()) -> None:
    """The banner (pages first: what a newcomer opens), then any warning last, where it is seen."""
    base = f"http://{host}:{server.server_port}"
    print(f"CarBot Monitor dev server on {base}", flush=True)
    print("Pages:", flush=True)
    for page in pages():
        print(f"  {base}{page}", flush=True)
    print("API functions:", flush=True)
    for function in server.get_app().loader.functions():  # type: ignore[attr-defined]
        print(f"  {base}{function}", flush=True)
    for warning in warnings:
        print(f"WARNING {warning}", file=sys.stderr, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


def serve_with_local_defaults(port: int | None, host: str = "127.0.0.1") -> None:
    """`make dev`: settings and monitoring.toml checked first, the port taken, then (with no store
    configured) the project-local PostgreSQL started and used. Mistakes are ConfigErrors."""
    from lib.alerts.config_state import check_rules
    from lib.core.config import load_settings
    from lib.local.embedded import DATA_ROOT, local_store_url

    settings = load_settings()
    check_rules(settings)  # at start a bad monitoring.toml is an error, not the defaults
    server = bind(host, env_port("PORT", 3000) if port is None else port)
    url = local_store_url(settings)
    if url is not None:
        os.environ["DATABASE_URL"] = url
        print(f"Local database (migrated): {url}  data: {DATA_ROOT}", flush=True)
        print("  stop it with: .venv/bin/python -m lib db stop", flush=True)
        serve(server, host)
        return
    line, problem = schema_line(settings)
    print(line, flush=True)
    serve(server, host, (problem,) if problem else ())


def schema_line(settings: Settings) -> tuple[str, str | None]:
    """The configured store's schema in one line (up to date, or the deploy step still to take),
    and, when the store does not answer, the problem naming the setting to fix."""
    from lib.store import Store, StoreError, schema
    from lib.store.migration_versions import MIGRATION_VERSIONS

    try:
        with Store.from_settings(settings, timeout=5) as db:
            status = schema.check(db)
    except StoreError as error:
        return "Monitor schema: not checked (the store did not answer: see the WARNING below)", (
            store_problem(settings, error.reason)
        )
    if status.state == "unknown":
        return "Monitor schema: installed without migration records; version not checked", None
    return status.reason or f"Monitor schema: up to date ({MIGRATION_VERSIONS[-1]})", None


def store_problem(settings: Settings, reason: str) -> str:
    """The store setting in use, why it failed, and the fix (the value itself is never shown)."""
    if settings.database_url is not None:
        return (
            f"DATABASE_URL: the database did not answer ({reason}); fix DATABASE_URL (.env or "
            "the environment), or unset it to use the local database. Until then every "
            "endpoint reports the store as down."
        )
    return (
        f"SUPABASE_URL: the Supabase store did not answer ({reason}); check SUPABASE_URL and "
        "SUPABASE_SERVICE_ROLE_KEY. Until then every endpoint reports the store as down."
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=None, help="default: PORT, else 3000")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    try:
        server = bind(args.host, env_port("PORT", 3000) if args.port is None else args.port)
    except ConfigError as error:
        sys.exit(str(error))
    serve(server, args.host)


if __name__ == "__main__":
    main()
