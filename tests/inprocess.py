"""The dev server's app in this process, over real HTTP on 127.0.0.1, so time-machine moves its
clock too: cron runs minutes or hours apart without waiting."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from wsgiref.simple_server import make_server

import httpx
import pytest

from lib.core.config import Settings, get_settings
from lib.local.devserver import ROOT, QuietHandler, ThreadingWSGIServer, make_app
from tests.local_http import LOCAL_HTTP


class InProcessServer:
    """Base URL plus get(); every request goes through a real socket and the WSGI app."""

    def __init__(self, url: str) -> None:
        self.url = url

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return LOCAL_HTTP.get(self.url + path, **kwargs)  # type: ignore[arg-type]


@contextlib.contextmanager
def serve_in_process(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[InProcessServer]:
    """Exactly `env` as the settings' environment (every other setting unset), then serve."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    for name, value in {"ENV_FILE": "", "DEV_SERVER_QUIET": "1", **env}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    server = make_server(
        "127.0.0.1", 0, make_app(ROOT), server_class=ThreadingWSGIServer, handler_class=QuietHandler
    )
    # shutdown() waits for the serve loop's next poll (0.5 s by default) in every teardown.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield InProcessServer(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        get_settings.cache_clear()
