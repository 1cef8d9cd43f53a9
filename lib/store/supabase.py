"""Supabase transport: supabase-py RPC calls with explicit timeouts and no hidden retries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from lib.core import tls
from lib.core.config import Settings
from lib.core.deadline import run_blocking
from lib.core.errors import reason_for
from lib.store import JsonValue, SchemaMissing, Store, StoreError


def client(settings: Settings, http: Any) -> Any:
    """A supabase-py client on our own httpx client (its timeouts), with retries off."""
    from supabase import ClientOptions, create_client

    assert settings.supabase_url is not None and settings.supabase_service_role_key is not None
    # ClientOptions(postgrest_client_timeout=0.5) truncates to 0 s: pass our own client instead.
    options = ClientOptions(httpx_client=http, postgrest_client_retry=False)
    return create_client(
        str(settings.supabase_url).rstrip("/"),
        settings.supabase_service_role_key.get_secret_value(),
        options=options,
    )


_MISSING_FUNCTION = frozenset({"PGRST202", "42883"})


class SupabaseTransport:
    """`POST /rest/v1/rpc/<fn>` through supabase-py."""

    def __init__(self, settings: Settings, timeout: float) -> None:
        self._settings = settings
        self._timeout = timeout
        self._client: Any = None
        self._http: Any = None

    def call(self, function: str, params: Mapping[str, JsonValue]) -> JsonValue:
        from postgrest.exceptions import APIError

        try:
            if self._client is None:
                timeout = httpx.Timeout(self._timeout, connect=self._timeout)
                self._http = httpx.Client(timeout=timeout, verify=tls.ssl_context())
                self._client = client(self._settings, self._http)
            return self._client.rpc(function, dict(params)).execute().data
        except APIError as error:
            # PostgREST answers a function missing from its schema cache with 404 PGRST202, and
            # one dropped since the cache was loaded with 42883 (postgrest-notes.md §5).
            if error.code in _MISSING_FUNCTION:
                raise SchemaMissing(function) from None
            raise StoreError(reason_for(error), function) from None
        except httpx.HTTPError as error:  # never the upstream text: reason_for
            raise StoreError(reason_for(error), function) from None

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
        self._client = self._http = None


async def ping(settings: Settings, timeout: float) -> None:
    """One PostgREST RPC round trip (`monitoring_ping`)."""
    transport = SupabaseTransport(settings, timeout)
    try:
        await run_blocking(Store(transport).ping)
    except SchemaMissing:
        pass  # PostgREST and the database answered: reachable, though the schema is not there
    finally:
        transport.close()
