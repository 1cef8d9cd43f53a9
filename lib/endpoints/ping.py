"""GET|POST|HEAD /api/ping/<token>[/start|/fail|/<exit status>]: a CarBot job's heartbeat.

The pinging API of healthchecks.io (https://healthchecks.io/docs/http_api/,
https://healthchecks.io/docs/signaling_failures/): the plain URL signals success, `/start` the
start of a run (its duration is measured to the success or failure that ends it), `/fail` a
failure, `/<0-255>` an exit status (0 success, any other a failure). A success answers
`200 OK` with the body `OK`, as healthchecks.io does. Unlike healthchecks.io, an unknown token
gets the very same answer (no 404) after the very same store call: the answer never tells
whether a token exists. Every token, known or not, has its own rate limit, counted in SQL.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Literal

from lib import store as store_module
from lib.checks.heartbeats import MAX_TOKEN, heartbeat_for, token_key
from lib.checks.store import PingKind, record_ping
from lib.core.config import Settings
from lib.core.errors import ConfigError
from lib.core.http import HttpError, Request, Response
from lib.core.log import log
from lib.core.monitor_config import load_monitor_config
from lib.store import Store, StoreError

PREFIX = "/api/ping/"
PINGS_PER_MINUTE = 20  # per token: a job's retries pass, a loop or a guessing run does not
FAIL_BODY = 10_240  # characters of a failure's body kept as evidence
STORE_TIMEOUT_S = 5.0
_PLAIN = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}

# A warm function instance keeps its store connection between pings: a ping is one round trip,
# not a connection setup (jobs may ping often). One caller at a time (the dev server threads).
_warm: tuple[Settings, Store] | None = None
_warm_lock = threading.Lock()


def _record(settings: Settings, *args: object) -> bool:
    global _warm
    with _warm_lock:
        if _warm is None or _warm[0] is not settings:
            if _warm is not None:
                _warm[1].transport.close()
            _warm = (settings, Store.from_settings(settings, timeout=STORE_TIMEOUT_S))
        try:
            return record_ping(_warm[1], *args)  # type: ignore[arg-type]
        except StoreError:
            _warm[1].transport.close()  # a broken connection is opened anew next time
            _warm = None
            raise


def parse_ping(request: Request) -> tuple[str, PingKind, int | None]:
    """(token, kind, exit status) from `?path=` (vercel.json's rewrite) or the path itself."""
    raw = request.query.get("path")
    if raw is None:
        raw = request.path.removeprefix(PREFIX) if request.path.startswith(PREFIX) else ""
    token, _, action = raw.strip("/").partition("/")
    if not token:
        raise HttpError(404, "give the heartbeat's token: /api/ping/<token>")
    kind: Literal["success", "start", "fail"]
    code: int | None = None
    if action == "":
        kind = "success"
    elif action == "start":
        kind = "start"
    elif action == "fail":
        kind = "fail"
    elif action.isascii() and action.isdigit() and len(action) <= 3 and int(action) <= 255:
        code = int(action)
        kind = "success" if code == 0 else "fail"
    else:
        raise HttpError(400, "after the token: nothing, /start, /fail or an exit status 0-255")
    return token[: MAX_TOKEN + 1], kind, code


def ping_response(request: Request) -> Response:
    token, kind, code = parse_ping(request)
    settings = request.settings
    try:
        beats = load_monitor_config(settings).heartbeats
    except ConfigError:
        beats = []  # still one store call: an invalid file must not change the timing
    name = heartbeat_for(beats, token)
    body = None
    if kind == "fail" and request.body:
        body = request.body[: FAIL_BODY * 4].decode("utf-8", "replace")[:FAIL_BODY]
    if not store_module.configured(settings):
        raise HttpError(503, "no store configured")
    try:
        now = datetime.now(UTC)
        key = token_key(token)
        accepted = _record(settings, key, name, kind, code, body, now, PINGS_PER_MINUTE)
    except StoreError as error:
        log.warning("ping not recorded: %s", error.reason)  # never the token
        raise HttpError(503, "store unavailable; ping again later") from None
    if not accepted:
        return Response(429, b"rate limited", {**_PLAIN, "Retry-After": "60"})
    return Response(200, b"OK", dict(_PLAIN))
