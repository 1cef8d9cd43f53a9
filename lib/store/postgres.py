"""Direct Postgres transport (psycopg), safe behind Supabase's transaction pooler."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from lib.core.errors import reason_for
from lib.store import JsonValue, SchemaMissing, StoreError

_FUNCTION_NAME = re.compile(r"^monitoring_[a-z0-9_]+$")


def _connect_kwargs(timeout: float) -> dict[str, Any]:
    # prepare_threshold=None: no server-side prepared statements (Supabase transaction pooler).
    return {
        "autocommit": True,
        "prepare_threshold": None,
        "connect_timeout": max(2, math.ceil(timeout)),
        "application_name": "carbot-monitor",
    }


class PostgresTransport:
    """Calls `select to_jsonb(public.<fn>(p => value, ...))` on one lazily opened connection.

    One call is one round trip: the timeout and the call travel as one simple-protocol query (two
    statements, one implicit transaction), so `set_config(..., true)` holds for the call alone
    and is safe on a shared pooled session; the arguments are bound client-side (no prepared
    statements, as Supabase's transaction pooler needs).
    """

    def __init__(self, url: str, timeout: float) -> None:
        self._url = url
        self._timeout = timeout
        self._conn: Any = None

    def _connection(self) -> Any:
        import psycopg

        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(self._url, **_connect_kwargs(self._timeout))
        return self._conn

    def call(self, function: str, params: Mapping[str, JsonValue]) -> JsonValue:
        import psycopg
        from psycopg import sql
        from psycopg.types.json import Jsonb

        if not _FUNCTION_NAME.match(function):
            raise StoreError("not a store function", function)
        arguments = sql.SQL(", ").join(
            sql.SQL("{} => {}").format(sql.Identifier(name), sql.Placeholder(name))
            for name in params
        )
        timeout_ms = str(int(self._timeout * 1000))
        query = sql.SQL(
            "select set_config('statement_timeout', {}, true); select to_jsonb(public.{}({}))"
        ).format(sql.Literal(timeout_ms), sql.Identifier(function), arguments)
        values = {
            name: Jsonb(value) if isinstance(value, dict | list) else value
            for name, value in params.items()
        }
        try:
            conn = self._connection()
            with psycopg.ClientCursor(conn) as cursor:
                cursor.execute(query, values)
                cursor.nextset()
                row = cursor.fetchone()
        except psycopg.errors.UndefinedFunction as error:
            # No context: the called function itself is missing, not one it calls inside.
            if error.diag.context is None:
                raise SchemaMissing(function) from None
            raise StoreError(reason_for(error), function) from None
        except psycopg.Error as error:
            raise StoreError(reason_for(error), function) from None
        return row[0] if row else None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


async def ping(url: str, timeout: float) -> None:
    """`select 1` on a fresh connection."""
    import psycopg

    try:
        async with await psycopg.AsyncConnection.connect(url, **_connect_kwargs(timeout)) as conn:
            await conn.execute("select 1")
    except psycopg.Error as error:
        raise StoreError(reason_for(error), "ping") from None
