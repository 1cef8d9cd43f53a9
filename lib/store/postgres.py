"""Direct Postgres transport (psycopg), safe behind Supabase's transaction pooler."""

from __future__ import annotations

import math


async def ping(url: str, timeout: float) -> None:
    """`select 1` on a fresh connection; no prepared statements (transaction pooler)."""
    import psycopg

    async with await psycopg.AsyncConnection.connect(
        url,
        autocommit=True,
        prepare_threshold=None,
        connect_timeout=max(2, math.ceil(timeout)),
        application_name="carbot-monitor",
    ) as conn:
        await conn.execute("select 1")
