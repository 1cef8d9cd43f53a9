"""Test-only PostgREST stand-in: serves `POST /rest/v1/rpc/<fn>` by calling the real function.

PostgREST itself cannot be installed here. This bridge follows its RPC contract as written down in
tests/specs/postgrest-notes.md: JSON object body → named arguments cast to the declared
types, the JWT role switched with SET LOCAL ROLE, STABLE functions run READ ONLY, errors as
{code, message, details, hint} with PostgREST's statuses (42501 → 401 anon / 403 role, 42883 and
unknown functions → 404 PGRST202, P0001 → 400, other SQL errors 400), 405 PGRST101 for other verbs.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import psycopg
from psycopg import sql

_PATH = re.compile(r"^/rest/v1/rpc/(?P<fn>[A-Za-z_][A-Za-z0-9_]*)$")
_JSON_TYPES = {"json", "jsonb"}


class PostgrestBridge:
    """Listens on 127.0.0.1; `keys` maps an API key to the database role PostgREST would use."""

    def __init__(self, database_url: str, keys: dict[str, str]) -> None:
        self.database_url = database_url
        self.keys = keys
        self.calls: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        # Polled every 0.05 s, not serve_forever's 0.5 s: close() (shutdown) waits for that poll,
        # and every test over the Supabase transport closes a bridge.
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def rpc(self, role: str, function: str, args: dict[str, Any]) -> tuple[int, Any]:
        with psycopg.connect(self.database_url, autocommit=False) as conn:
            signature = conn.execute(
                """select p.provolatile, coalesce(p.proargnames, '{}'), p.proargtypes::oid[],
                          p.pronargs
                   from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                   where n.nspname = 'public' and p.proname = %s""",
                (function,),
            ).fetchone()
            if signature is None:
                return 404, _error(
                    "PGRST202",
                    f"Could not find the function public.{function} in the schema cache",
                    hint=None,
                )
            volatility, names, type_oids, _ = signature
            types = dict(
                zip(
                    names,
                    [
                        conn.execute("select format_type(%s, null)", (oid,)).fetchone()[0]
                        for oid in type_oids
                    ],
                    strict=False,
                )
            )
            unknown = set(args) - set(types)
            if unknown:
                return 404, _error(
                    "PGRST202",
                    f"Could not find the function public.{function}({', '.join(sorted(args))}) "
                    "in the schema cache",
                )
            parts = []
            for name in args:
                accessor = "->" if types[name] in _JSON_TYPES else "->>"
                parts.append(
                    sql.SQL("{} => (%(body)s::jsonb {} {})::{}").format(
                        sql.Identifier(name),
                        sql.SQL(accessor),
                        sql.Literal(name),
                        sql.SQL(types[name]),
                    )
                )
            query = sql.SQL("select to_jsonb(public.{}({}))").format(
                sql.Identifier(function), sql.SQL(", ").join(parts)
            )
            try:
                with conn.transaction():
                    if volatility != "v":
                        conn.execute("set transaction read only")
                    conn.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))
                    row = conn.execute(query, {"body": json.dumps(args)}).fetchone()
            except psycopg.Error as error:
                return _status_for(error, role), _error(
                    error.sqlstate or "XX000",
                    error.diag.message_primary or "error",
                    details=error.diag.message_detail,
                    hint=error.diag.message_hint,
                )
            return 200, row[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        bridge = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def _send(self, status: int, payload: Any, extra: dict[str, str] | None = None) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for key, value in (extra or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                match = _PATH.match(self.path.split("?")[0])
                if not match:
                    self._send(404, _error("PGRST125", "Invalid path specified in request URL"))
                    return
                bridge.calls.append(match["fn"])
                role = bridge.keys.get(self.headers.get("apikey", ""))
                bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if role is None or bridge.keys.get(bearer) != role:
                    self._send(
                        401, _error("PGRST301", "Invalid API key"), {"WWW-Authenticate": "Bearer"}
                    )
                    return
                try:
                    args = json.loads(raw or b"{}")
                    assert isinstance(args, dict)
                except (json.JSONDecodeError, AssertionError):
                    self._send(400, _error("PGRST102", "Empty or invalid json"))
                    return
                status, payload = bridge.rpc(role, match["fn"], args)
                self._send(status, payload)

            def _not_allowed(self) -> None:
                self._send(405, _error("PGRST101", "Only GET and POST verbs are allowed"))

            do_PUT = do_PATCH = do_DELETE = _not_allowed

        return Handler


def _error(
    code: str, message: str, details: str | None = None, hint: str | None = None
) -> dict[str, Any]:
    return {"code": code, "message": message, "details": details, "hint": hint}


def _status_for(error: psycopg.Error, role: str) -> int:
    state = error.sqlstate or ""
    if state == "42501":
        return 401 if role == "anon" else 403
    if state in ("42883", "42P01"):
        return 404
    if state in ("23505", "23503"):
        return 409
    if state == "25006":
        return 405
    return 400
