"""Database probe for /api/health: one trivial round trip through the store transport."""

from __future__ import annotations

from lib import store
from lib.core.config import Settings
from lib.core.not_configured import NotConfigured
from lib.probes import BaseProbe, ProbeContext, ProbeDown

# What to set for a store: either transport (lib/store).
STORE_NOT_CONFIGURED = NotConfigured(
    settings=("DATABASE_URL",), instead=("SUPABASE_URL", "SUPABASE_SERVICE_ROLE_KEY")
)


class DatabaseProbe(BaseProbe):
    """`select 1` (direct Postgres) or one `monitoring_ping` RPC (Supabase)."""

    name = "database"

    def not_configured(self, settings: Settings) -> NotConfigured | None:
        return None if store.configured(settings) else STORE_NOT_CONFIGURED

    def warm_up(self, settings: Settings) -> None:
        store.load_driver(settings)

    async def check(self, ctx: ProbeContext) -> dict[str, object] | None:
        try:
            await store.ping(ctx.settings, ctx.remaining())
        except store.StoreError as error:
            raise ProbeDown(error.reason) from None
        return None
