"""How the store talks to PostgreSQL: the transport protocol, JSON arguments, configuration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from pydantic_core import to_json, to_jsonable_python

from lib.core.config import Settings
from lib.core.errors import StoreError
from lib.core.safe_text import MARK

JsonValue = Any


class SchemaMissing(StoreError):
    """The database answered, but the called function is not there: a migration is not applied."""

    def __init__(self, function: str) -> None:
        super().__init__(
            f"monitor schema lacks {function}(): apply supabase/migrations "
            "(python -m lib migrate or supabase db push)",
            function,
        )


class Transport(Protocol):
    """Calls one SQL function of the migrations by name with named JSON arguments."""

    def call(self, function: str, params: Mapping[str, JsonValue]) -> JsonValue: ...

    def close(self) -> None: ...


def _json_arg(value: object) -> JsonValue:
    """Arguments travel as JSON, as in a PostgREST body: dates and times become ISO strings."""
    found = to_jsonable_python(value)
    if isinstance(found, str) or (isinstance(found, list | dict) and b"\\u0000" in to_json(found)):
        return _without_nul(found)  # rare: walked only when a NUL is there (C-speed check)
    return found


def _without_nul(value: JsonValue) -> JsonValue:
    """PostgreSQL text and jsonb refuse U+0000: a NUL in one outside string (a commit message, a
    provider's incident name) failed the whole write, and the delivery or refresh was lost. It is
    stored as the mark lib/core/safe_text.py shows for control characters."""
    if isinstance(value, str):
        return value.replace("\x00", MARK) if "\x00" in value else value
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}  # type: ignore[misc]
    return value


# What to set for a store (a `not_configured` names it).
STORE_SETTINGS = "DATABASE_URL, or SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY"


def configured(settings: Settings) -> bool:
    return transport_name(settings) is not None


def transport_name(settings: Settings) -> str | None:
    if settings.database_url is not None:
        return "postgres"
    return "supabase" if settings.supabase_configured else None


def load_driver(settings: Settings) -> None:
    """Import the configured transport's client library (psycopg or supabase-py) now."""
    name = transport_name(settings)
    if name == "postgres":
        import psycopg  # noqa: F401
    elif name == "supabase":
        import supabase  # noqa: F401


async def ping(settings: Settings, timeout: float) -> None:
    """One trivial round trip for the live health probe (async, abandonable at the deadline)."""
    if settings.database_url is not None:
        from lib.store import postgres

        await postgres.ping(settings.database_url.get_secret_value(), timeout)
    else:
        from lib.store import supabase

        await supabase.ping(settings, timeout)
