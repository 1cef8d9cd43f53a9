"""A module-scoped in-process server (real HTTP) for the status communication tests, with its own
database, the fake Resend and every status setting."""

from __future__ import annotations

import base64
import contextlib
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from lib.core.config import Settings, get_settings
from lib.store import Store
from lib.store.postgres import PostgresTransport
from tests.conftest import SECRETS
from tests.fakes.vendors import FakeResend
from tests.inprocess import serve_in_process
from tests.local_http import LOCAL_HTTP

STATUS_SECRET = "status-secret-SECRET-0009"
RESEND_WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"resend-webhook-SECRET-0010-key!!").decode()
TOKEN = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
SENDER = "CarBot Status <status@carbot.de>"


class StatusServer:
    def __init__(self, url: str, database_url: str) -> None:
        self.url = url
        self.database_url = database_url

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return LOCAL_HTTP.request(method, self.url + path, **kwargs)

    def store(self) -> Store:
        return Store(PostgresTransport(self.database_url, 5))

    def settings(self) -> Settings:
        return get_settings()

    def rows(self, sql: str) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []


@contextlib.contextmanager
def status_server(database_url: str, resend: FakeResend, **extra: str) -> Iterator[StatusServer]:
    env = {
        **SECRETS,
        "DATABASE_URL": database_url,
        "RESEND_API_URL": resend.url,
        "STATUS_SECRET": STATUS_SECRET,
        "RESEND_WEBHOOK_SECRET": RESEND_WEBHOOK_SECRET,
        "STATUS_EMAIL_FROM": SENDER,
        "PROVIDER_STATUS": "false",
        **extra,
    }
    with pytest.MonkeyPatch.context() as patch, serve_in_process(env, patch) as server:
        patch.setenv("STATUS_URL", server.url)  # links in the mails lead back to this server
        get_settings.cache_clear()
        yield StatusServer(server.url, database_url)


def link(text: str, path: str) -> str:
    """The first link to `path` in a mail text."""
    match = re.search(r"(http://127\.0\.0\.1:\d+" + re.escape(path) + r"\?token=[\w.\-]+)", text)
    assert match, f"no {path} link in the mail"
    return match[1]
