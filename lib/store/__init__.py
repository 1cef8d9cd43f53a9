"""The monitor's store: one API over two transports (direct Postgres, Supabase PostgREST)."""

from __future__ import annotations

from lib.config import Settings


def configured(settings: Settings) -> bool:
    return settings.database_url is not None or settings.supabase_configured


async def ping(settings: Settings, timeout: float) -> None:
    """One trivial round trip through the configured transport; DATABASE_URL wins over Supabase."""
    if settings.database_url is not None:
        from lib.store import postgres

        await postgres.ping(settings.database_url.get_secret_value(), timeout)
    else:
        from lib.store import supabase

        await supabase.ping(settings, timeout)
