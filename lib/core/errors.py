"""One exception family, and `reason_for(error)`: any failure in the project's own short words."""

from __future__ import annotations

import sys


class MonitorError(Exception):
    """An expected failure; `reason` is short, human and secret-free: safe in a body or a log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ConfigError(MonitorError):
    """A setting or monitoring.toml is malformed; the message names the setting, never its value."""


class StoreError(MonitorError):
    """A store call failed (`function` names the SQL function when there is one)."""

    def __init__(self, reason: str, function: str | None = None) -> None:
        super().__init__(reason)
        self.function = function

    def __str__(self) -> str:
        return f"{self.function}: {self.reason}" if self.function else self.reason


class StoreNotConfigured(StoreError):
    """Neither DATABASE_URL nor SUPABASE_URL + SUPABASE_SERVICE_ROLE_KEY is set."""


class SourceError(MonitorError):
    """A daily metric source could not measure the day."""


class NotifyError(MonitorError):
    """A notifier could not deliver (never names the target URL)."""


class ServiceDown(MonitorError):
    """A probed service is down, with what the probe observed."""

    def __init__(self, reason: str, details: dict[str, object] | None = None) -> None:
        super().__init__(reason)
        self.details = details or {}


class ServiceDegraded(ServiceDown):
    """A probed service answers, but not well."""


def caused_by(error: BaseException, kind: type[BaseException]) -> bool:
    """Whether `kind` is anywhere in the exception's cause/context chain."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def status_error(status: int) -> ServiceDown | None:
    """A vendor's HTTP error status in the words every check uses; None below 400."""
    if status in (401, 403):
        return ServiceDown("credentials rejected")
    if status == 429:
        return ServiceDegraded("rate limited")
    if status >= 500:
        return ServiceDown(f"server error {status}")
    if status >= 400:
        return ServiceDown(f"unexpected status {status}")
    return None


def status_reason(status: int) -> str:
    """The words for a status an SDK raised on; a 2xx it could not use is a malformed response."""
    error = status_error(status)
    return "malformed response" if error is None else error.reason


def reason_for(error: BaseException) -> str:
    """Short, secret-free words for any failure: never an upstream message or a connection string.

    Client libraries are looked up in sys.modules, not imported: an error of theirs means they
    are loaded, and a function that never loaded them must not pay for importing them here.
    """
    if isinstance(error, MonitorError):
        return error.reason
    httpx = sys.modules.get("httpx")
    if _instance_of(error, httpx, "HTTPError"):
        return _http_reason(error, httpx)
    postgrest = sys.modules.get("postgrest.exceptions")
    if _instance_of(error, postgrest, "APIError"):
        return code_reason(error.code)  # type: ignore[attr-defined]
    psycopg = sys.modules.get("psycopg")
    if _instance_of(error, psycopg, "Error"):
        return _postgres_reason(error, psycopg)
    if isinstance(error, TimeoutError):
        return "timeout"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, OSError):
        return "connection failed"
    return "unexpected error"


def _instance_of(error: BaseException, module: object, name: str) -> bool:
    """Whether `error` is `module.name`. Another thread of the same process may be importing the
    module right now: sys.modules then holds it half-initialised, without the class yet (and an
    error of a class not yet defined cannot be one of its instances)."""
    kind = getattr(module, name, None) if module is not None else None
    return isinstance(kind, type) and isinstance(error, kind)


def _http_reason(error: BaseException, httpx: object) -> str:
    if isinstance(error, httpx.TimeoutException):  # type: ignore[attr-defined]
        return "timeout"
    if isinstance(error, httpx.ConnectError):  # type: ignore[attr-defined]
        refused = caused_by(error, ConnectionRefusedError)
        return "connection refused" if refused else "connection failed"
    if isinstance(error, httpx.RemoteProtocolError):  # type: ignore[attr-defined]
        return "connection dropped"
    if isinstance(error, httpx.HTTPStatusError):  # type: ignore[attr-defined]
        return status_reason(error.response.status_code)
    return "network error"


# SQLSTATE / PostgREST codes in the project's words. The server's own message is never relayed:
# it names functions, tables and roles ("permission denied for function …"), and a gateway's
# error page may echo the request, key included.
_CODE_WORDS = {
    "42501": "permission denied",
    "42883": "store function missing (migrations not applied?)",
    "PGRST202": "store function missing (migrations not applied?)",
    "42P01": "store table missing (migrations not applied?)",
    "57014": "timeout",
    "40001": "conflict with a concurrent run",
    "40P01": "conflict with a concurrent run",
    "53300": "too many connections",
    "PGRST301": "credentials rejected",
    "PGRST302": "credentials rejected",
    "401": "credentials rejected",
    "403": "credentials rejected",
    "429": "rate limited",
}
_CLASS_WORDS = {
    "08": "connection failed",
    "22": "invalid value",
    "23": "constraint violated",
    "53": "database overloaded",
    "57": "database unavailable",
    "PGRST0": "store unreachable",
    "PGRST1": "malformed request",
}


def code_reason(code: object) -> str:
    """A database or PostgREST error code in short words; anything unrecognised is generic."""
    text = str(code or "")
    if text in _CODE_WORDS:
        return _CODE_WORDS[text]
    if text.isdigit() and len(text) == 3:  # an HTTP status (gateway page without PostgREST JSON)
        return status_reason(int(text))
    for prefix in sorted(_CLASS_WORDS, key=len, reverse=True):
        if text.startswith(prefix):
            return _CLASS_WORDS[prefix]
    return "database error"


def _postgres_reason(error: BaseException, psycopg: object) -> str:
    """psycopg messages can name hosts and users: only our words for the server's error code."""
    if isinstance(error, psycopg.OperationalError):  # type: ignore[attr-defined]
        text = str(error).lower()
        if "refused" in text:
            return "connection refused"
        if "password" in text or "authentication" in text:
            return "authentication failed"
        # libpq's words: FATAL:  database "x" does not exist / role "x" does not exist.
        if "does not exist" in text and "database" in text:
            return "unknown database"
        if "does not exist" in text and "role" in text:
            return "unknown user"
        if "timeout" in text or "timed out" in text:
            return "timeout"
        return "connection failed"
    diag = getattr(error, "diag", None)
    if diag is not None and diag.sqlstate:
        return code_reason(diag.sqlstate)
    return "database error"
