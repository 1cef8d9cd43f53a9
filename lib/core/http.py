"""WSGI plumbing shared by every function: request parsing, JSON responses, auth, errors."""

from __future__ import annotations

import hmac
import json
import re
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from pydantic import BaseModel, SecretStr

import lib
from lib.core.clock import utc_timestamp as utc_timestamp
from lib.core.config import ConfigError, Settings, get_settings
from lib.core.log import log

JSON = "application/json"
NO_STORE = "no-store"
# Every function answer is data (JSON, SVG, CSV, a report): it runs nothing, loads nothing and
# is never framed (the badge is embedded as an <img>, which frame-ancestors does not govern).
# A response may set its own Content-Security-Policy (the HTML report allows inline styles).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
MAX_BODY = 4_500_000  # Vercel's own limit for a function request body (a drain batch is large)


class HttpError(Exception):
    """An error the client caused or must see: rendered as `{"error": message}` with its status."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


@dataclass(frozen=True)
class Request:
    """The parts of a WSGI request the endpoints use."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    settings: Settings
    body: bytes = b""  # the raw body (webhooks verify their signature over these exact bytes)
    # Set once the handler looked at Authorization: the answer then says `Vary: Authorization`,
    # so no cache serves a token holder's answer to anyone else (or the reverse).
    token_read: list[bool] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def from_environ(cls, environ: Mapping[str, Any], settings: Settings) -> Request:
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        query = _query(environ)
        return cls(
            method=environ.get("REQUEST_METHOD", "GET").upper(),
            path=environ.get("PATH_INFO", "/"),
            query=query,
            headers=headers,
            settings=settings,
            body=_read_body(environ),
        )

    def bearer_token(self) -> str | None:
        if not self.token_read:
            self.token_read.append(True)
        scheme, _, token = self.headers.get("authorization", "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None

    def has_bearer(self, secret: SecretStr | None) -> bool:
        """Constant-time check of the bearer token against a configured secret."""
        token = self.bearer_token()
        if secret is None or token is None:
            return False
        return hmac.compare_digest(token.encode(), secret.get_secret_value().encode())

    def accepts(self, media_type: str) -> bool:
        """Whether Accept names `media_type` itself with q > 0 (`;q=0` means "not this")."""
        return accept_quality(self.headers.get("accept", ""), media_type) > 0


def accept_quality(header: str, media_type: str) -> float:
    """The q of `media_type` in an Accept header (RFC 9110 §12.5.1); 0 when it is not listed.

    Only an exact type counts: a wildcard never selects a special format like health+json.
    """
    best = 0.0
    for item in header.split(","):
        kind, *parameters = (part.strip() for part in item.split(";"))
        if kind.lower() != media_type:
            continue
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(1.0, max(0.0, float(value.strip())))
                except ValueError:
                    quality = 0.0  # a malformed weight selects nothing
        best = max(best, quality)
    return best


ECHO_LIMIT = 40


def echo(value: str, limit: int = ECHO_LIMIT) -> str:
    """A client's value quoted in an error message, cut to `limit` characters."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def check_parameters(query: Mapping[str, str], accepted: tuple[str, ...]) -> None:
    """Unknown query parameters are a 400: they would only mint new CDN cache keys."""
    for name in query:
        if name not in accepted:
            listed = ", ".join(accepted) if accepted else "none"
            raise HttpError(400, f"unknown parameter {echo(name)}; accepted: {listed}")


def _read_body(environ: Mapping[str, Any]) -> bytes:
    """At most MAX_BODY bytes of `wsgi.input`; a longer body is a 413 before anything parses it."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise HttpError(400, "Content-Length must be a number") from None
    if length > MAX_BODY:
        raise HttpError(413, f"request body larger than {MAX_BODY // 1024} KiB")
    stream = environ.get("wsgi.input")
    return stream.read(length) if length > 0 and stream is not None else b""


@dataclass
class Response:
    """A finished response: status, headers and body bytes."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def json_response(
    payload: BaseModel | Mapping[str, Any] | list[Any],
    status: int = 200,
    *,
    headers: Mapping[str, str] | None = None,
    content_type: str = JSON,
) -> Response:
    if isinstance(payload, BaseModel):
        body = payload.model_dump_json().encode()
    else:
        body = json.dumps(payload, separators=(",", ":")).encode()
    merged = {"Content-Type": content_type, "Cache-Control": NO_STORE, **(headers or {})}
    return Response(status, body, merged)


def error_response(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    return json_response({"error": message}, status, headers=headers)


def require_token(request: Request) -> None:
    """Gate for detail endpoints: HEALTH_TOKEN bearer; only development may leave it unset."""
    secret = request.settings.health_token
    if secret is None:
        if request.settings.vercel_env != "development":  # preview deployments are public too
            raise HttpError(403, "HEALTH_TOKEN is not configured; detail endpoints are closed")
        return
    if not request.has_bearer(secret):
        raise HttpError(401, "a valid bearer token is required", {"WWW-Authenticate": "Bearer"})


def require_cron_secret(request: Request) -> None:
    """Gate for cron endpoints: Vercel sends `Authorization: Bearer <CRON_SECRET>`."""
    secret = request.settings.cron_secret
    if secret is None:
        if request.settings.vercel_env != "development":
            raise HttpError(503, "CRON_SECRET is not configured; cron endpoints are closed")
        return
    if not request.has_bearer(secret):
        raise HttpError(401, "a valid cron secret is required", {"WWW-Authenticate": "Bearer"})


# pydantic shows a cut input in its errors (`input_value='…7890'`): the cut no longer matches the
# whole secret, so the value is dropped wherever it appears.
_PYDANTIC_INPUT = re.compile(r"input_value=.*?, input_type=")


def redact(text: str, secrets: Iterable[str]) -> str:
    text = _PYDANTIC_INPUT.sub("input_value=***, input_type=", text)
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


Handler = Callable[[Request], Response]
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def endpoint(
    handler: Handler, methods: tuple[str, ...] = ("GET",), params: tuple[str, ...] = ()
) -> WsgiApp:
    """Wrap a handler into a WSGI app: method check (405 + Allow), HEAD, and safe error pages.

    `params` are the query parameters the handler reads; any other is a 400 before it runs.
    """
    allowed = tuple(dict.fromkeys((*methods, "HEAD") if "GET" in methods else methods))
    allow_header = ", ".join(allowed)
    lib.loaded()  # the api/ file is done importing

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        response, request = _respond(environ)
        reason = _phrase(response.status)
        headers = {**SECURITY_HEADERS, **response.headers}
        if request is not None and request.token_read:
            headers["Vary"] = vary(headers.get("Vary"), "Authorization")
        headers["Content-Length"] = str(len(response.body))
        start_response(f"{response.status} {reason}", list(headers.items()))
        return [] if environ.get("REQUEST_METHOD", "GET").upper() == "HEAD" else [response.body]

    def _respond(environ: dict[str, Any]) -> tuple[Response, Request | None]:
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if method not in allowed:
            return error_response(
                405, f"method {method} not allowed", {"Allow": allow_header}
            ), None
        secrets: list[str] = []
        request: Request | None = None
        try:
            check_parameters(_query(environ), params)
            settings = get_settings()
            secrets = settings.secret_values()
            request = Request.from_environ(environ, settings)
            return handler(request), request
        except HttpError as error:
            return error_response(error.status, error.message, error.headers), request
        except ConfigError as error:
            # The settings are unusable, so no token can be checked: the log has the names.
            log.error("configuration error in %s: %s", environ.get("PATH_INFO"), error)
            if request is not None and _holds_a_secret(request):
                # names settings/keys, never values
                return error_response(500, str(error)), request
            return error_response(500, "configuration error; see the function log"), request
        except Exception:  # noqa: BLE001 - the one place that turns any bug into a safe 500
            trace = redact(traceback.format_exc(), secrets)
            log.error("unhandled error in %s:\n%s", environ.get("PATH_INFO"), trace)
            return error_response(500, "internal error; see the function log"), request

    return app


def vary(current: str | None, name: str) -> str:
    """`current` with `name` added once (Vary is a comma-separated list, RFC 9110 §12.5.5)."""
    names = [n.strip() for n in (current or "").split(",") if n.strip()]
    if name.lower() not in (n.lower() for n in names):
        names.append(name)
    return ", ".join(names)


def _holds_a_secret(request: Request) -> bool:
    """HEALTH_TOKEN or CRON_SECRET holders may read configuration details (never values)."""
    settings = request.settings
    return request.has_bearer(settings.health_token) or request.has_bearer(settings.cron_secret)


def _query(environ: Mapping[str, Any]) -> dict[str, str]:
    # keep_blank_values: an empty `?day=` is a bad value (400), not an absent parameter.
    pairs = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    return {key: values[-1] for key, values in pairs.items()}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:  # a status http.HTTPStatus does not name still gets its number
        return ""
