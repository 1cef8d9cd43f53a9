"""Database probe for /api/health: one trivial round trip through the store transport."""

from __future__ import annotations

from lib import store
from lib.core.config import Settings
from lib.probes import ProbeContext, ProbeDown


class DatabaseProbe:
    """`select 1` (direct Postgres) or one `monitoring_ping` RPC (Supabase)."""

    name = "database"
    needs = store.STORE_SETTINGS

    def configured(self, settings: Settings) -> bool:
        return store.configured(settings)

    def warm_up(self, settings: Settings) -> None:
        store.load_driver(settings)

    async def check(self, ctx: ProbeContext) -> dict[str, object] | None:
        try:
            await store.ping(ctx.settings, ctx.remaining())
        except store.StoreError as error:
            raise ProbeDown(error.reason) from None
        return None
