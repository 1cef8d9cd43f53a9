"""Database probe for /api/health: one trivial round trip through the store transport."""

from __future__ import annotations

from lib import store
from lib.config import Settings
from lib.probes import ProbeContext, ProbeDown


def describe_database_error(error: Exception) -> str | None:
    """Short, secret-free reason for a psycopg failure (its messages can name hosts and users)."""
    text = str(error).lower()
    for needle, reason in (
        ("refused", "connection refused"),
        ("password authentication failed", "credentials rejected"),
        ("no password supplied", "credentials rejected"),
        ("does not exist", "database does not exist"),
        ("timeout", "timeout"),
        ("too many", "too many connections"),
    ):
        if needle in text:
            return reason
    return None


class DatabaseProbe:
    """`select 1` (direct Postgres) or one RPC (Supabase)."""

    name = "database"

    def configured(self, settings: Settings) -> bool:
        return store.configured(settings)

    async def check(self, ctx: ProbeContext) -> dict[str, object] | None:
        try:
            await store.ping(ctx.settings, ctx.remaining())
        except Exception as error:
            import psycopg

            if isinstance(error, psycopg.Error):
                raise ProbeDown(describe_database_error(error) or "database error") from None
            raise
        return None
