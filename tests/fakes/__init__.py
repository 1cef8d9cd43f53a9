"""Local fake upstream servers (127.0.0.1 only) that answer in the vendors' official shapes."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

# The official API descriptions the fakes answer in, carried in the repository (tests/specs/).
SPECS = Path(__file__).resolve().parents[1] / "specs"

# Fault modes every fake understands; they apply to every route.
MODES = ("ok", "slow", "hang", "500", "401", "403", "429", "garbage")


@dataclass
class FakeRequest:
    """What a fake saw: method, path, query, headers, JSON body."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any = None

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default


Reply = tuple[int, Any]
Route = tuple[str, re.Pattern[str], Callable[..., Reply]]


@dataclass
class FakeUpstream:
    """A threaded HTTP server on 127.0.0.1 with a route table and a switchable fault mode."""

    name: str
    mode: str = "ok"
    delay_s: float = 0.0  # added to every answer (benchmarks: vendor latency)
    slow_s: float = 0.3  # mode "slow"
    requests: list[FakeRequest] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._released = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        # Polled every 0.05 s, not serve_forever's 0.5 s: close() (shutdown) waits for that poll.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def route(
        self, method: str, pattern: str
    ) -> Callable[[Callable[..., Reply]], Callable[..., Reply]]:
        def register(func: Callable[..., Reply]) -> Callable[..., Reply]:
            self.routes.append((method, re.compile(pattern + "$"), func))
            return func

        return register

    def reset(self) -> None:
        self.mode = "ok"
        self.delay_s = 0.0
        self.requests.clear()

    def close(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()

    # Vendor-specific extra response headers (rate limit headers); subclasses override.
    def extra_headers(self, status: int) -> dict[str, str]:
        return {}

    # Vendor-specific error body for a status; subclasses override.
    def error_body(self, status: int, message: str) -> Any:
        return {"error": {"message": message}}

    def _dispatch(self, request: FakeRequest) -> tuple[int, bytes, str]:
        if self.delay_s:
            time.sleep(self.delay_s)
        mode = self.mode
        if mode == "slow":
            time.sleep(self.slow_s)
        elif mode == "hang":
            self._released.wait(60)
            return 504, b"", "text/plain"
        elif mode.isdigit():
            status = int(mode)
            return (
                status,
                json.dumps(self.error_body(status, f"fake {status}")).encode(),
                "application/json",
            )
        elif mode == "garbage":
            return 200, b'{"object": "li', "application/json"
        for method, pattern, func in self.routes:
            match = pattern.match(request.path)
            if method == request.method and match:
                status, payload = func(request, **match.groupdict())
                return status, json.dumps(payload).encode(), "application/json"
        return 404, json.dumps(self.error_body(404, "no such route")).encode(), "application/json"

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: with Nagle on, the body waits for the
            # client's delayed ACK (~40 ms on Linux), a stall no real vendor adds.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except json.JSONDecodeError:
                    body = raw.decode(errors="replace")
                request = FakeRequest(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                fake.requests.append(request)
                status, payload, content_type = fake._dispatch(request)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in fake.extra_headers(status).items():
                        self.send_header(name, value)
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_DELETE = do_HEAD = do_PATCH = _handle

        return Handler


def load_json(name: str) -> Any:
    return json.loads((SPECS / name).read_text())
