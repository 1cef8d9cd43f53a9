"""Supabase transport: supabase-py RPC calls with explicit timeouts and no hidden retries."""

from __future__ import annotations

from typing import Any

from lib.config import Settings
from lib.probes import run_blocking


def client(settings: Settings, timeout: float) -> Any:
    """A supabase-py client whose HTTP calls end within `timeout` and never retry."""
    import httpx

    from supabase import ClientOptions, create_client

    assert settings.supabase_url is not None and settings.supabase_service_role_key is not None
    # ClientOptions(postgrest_client_timeout=0.5) truncates to 0 s: pass our own client instead.
    http = httpx.Client(timeout=httpx.Timeout(timeout, connect=timeout))
    options = ClientOptions(httpx_client=http, postgrest_client_retry=False)
    return create_client(
        str(settings.supabase_url).rstrip("/"),
        settings.supabase_service_role_key.get_secret_value(),
        options=options,
    )


async def ping(settings: Settings, timeout: float) -> None:
    """One PostgREST RPC round trip (`monitoring_ping`, defined by the migrations)."""
    await run_blocking(lambda: client(settings, timeout).rpc("monitoring_ping").execute())
