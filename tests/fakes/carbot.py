"""Fake CarBot endpoints on 127.0.0.1 for the synthetic checks (lib/checks), switchable per test.

CarBot is our own application, not a vendor: there is no outside description to follow. The
routes stand for what the README's example checks request (the home page, the login API, the
chat → lead flow): `GET /` (an HTML page), `GET /api/health` (JSON), `POST /api/login` (a bearer
token), `POST /api/chat` (a conversation and its lead, the lead's id also in `X-Lead-Id`),
`GET /api/leads/<id>` (the lead), `GET /old` (a 302 to `/`). Tests turn it slow (`delay_s`),
wrong (`wrong`), down (mode "500" or closed), break one flow step (`broken`), or fail only the
next N requests (`fail_next`); with a PEM it serves HTTPS (an expiring certificate).
"""

from __future__ import annotations

import ssl
import threading
from pathlib import Path
from typing import Any

from tests.fakes import FakeRequest, FakeUpstream

TOKEN = "tok-3f9a1c"
LEAD = "lead-7"
HOME = b"<!doctype html><title>CarBot</title><h1>Willkommen bei CarBot</h1>"
WRONG_HOME = b"<!doctype html><title>CarBot</title><h1>Wartungsarbeiten</h1>"


class FakeCarBot(FakeUpstream):
    """CarBot's pages and APIs; `broken` names flow steps that answer wrongly."""

    def __init__(self, pem: Path | None = None) -> None:
        super().__init__(name="carbot")
        self.wrong = False
        self.broken: set[str] = set()
        self.fail_next = 0
        self._lock = threading.Lock()
        # socketserver listens with a backlog of 5: twenty checks connecting at once would
        # overflow it, and the kernel's SYN retry adds a whole second no real site adds.
        self._server.socket.listen(128)
        if pem is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(pem))
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)

    @property
    def url(self) -> str:
        scheme = "https" if isinstance(self._server.socket, ssl.SSLSocket) else "http"
        return f"{scheme}://127.0.0.1:{self._server.server_port}"

    def reset(self) -> None:
        super().reset()
        self.wrong = False
        self.broken = set()
        self.fail_next = 0

    def extra_headers(self, status: int) -> dict[str, str]:
        headers = {"X-CarBot-Version": "2.4" if not self.wrong else "2.3"}
        if status == 302:
            headers["Location"] = "/"
        if status == 200 and "chat-header" not in self.broken:
            headers["X-Lead-Id"] = LEAD
        return headers

    def _authorized(self, request: FakeRequest) -> bool:
        return request.headers.get("authorization") == f"Bearer {TOKEN}"

    def _dispatch(self, request: FakeRequest) -> tuple[int, bytes, str]:
        with self._lock:
            failing = self.fail_next > 0
            self.fail_next -= 1 if failing else 0
        if failing:
            return 503, b"busy", "text/plain"
        if self.mode == "ok" and request.path in ("/", "/old"):
            if self.delay_s:
                import time

                time.sleep(self.delay_s)
            if request.path == "/old":
                return 302, b"", "text/plain"
            return 200, WRONG_HOME if self.wrong else HOME, "text/html; charset=utf-8"
        return super()._dispatch(request)

    def _route_table(self) -> None:
        @self.route("GET", "/api/health")
        def health(request: FakeRequest) -> tuple[int, Any]:
            return 200, {"status": "degraded" if self.wrong else "healthy", "version": "2.4"}

        @self.route("POST", "/api/login")
        def login(request: FakeRequest) -> tuple[int, Any]:
            if "login" in self.broken:
                return 401, {"error": "invalid credentials"}
            body = request.body if isinstance(request.body, dict) else {}
            if not body.get("password"):
                return 400, {"error": "password required"}
            return 200, {"token": TOKEN, "expires_in": 3600}

        @self.route("POST", "/api/chat")
        def chat(request: FakeRequest) -> tuple[int, Any]:
            if not self._authorized(request):
                return 401, {"error": "sign in first"}
            if "chat" in self.broken:
                return 200, {"conversation": {"id": "c-1"}, "lead": None}
            return 200, {"conversation": {"id": "c-1"}, "lead": {"id": LEAD}}

        @self.route("GET", r"/api/leads/(?P<lead>[a-z0-9-]+)")
        def lead(request: FakeRequest, lead: str) -> tuple[int, Any]:
            if not self._authorized(request):
                return 401, {"error": "sign in first"}
            if "lead" in self.broken or lead != LEAD:
                return 404, {"error": "no such lead"}
            return 200, {"lead": {"id": lead, "status": "new"}}


def start_carbot(pem: Path | None = None) -> FakeCarBot:
    fake = FakeCarBot(pem)
    fake._route_table()
    return fake
