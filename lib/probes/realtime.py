"""Supabase Realtime reachable for the configured project: `GET /realtime/v1/api/ping`."""

from __future__ import annotations

import httpx
from pydantic import BaseModel, ValidationError

from lib.core.config import Settings
from lib.core.not_configured import NotConfigured, unless
from lib.probes import BaseProbe, ProbeContext, ProbeDown, check_vendor_status, parse_body
from lib.probes.vendors import api_url

# Where the ping lives, from Supabase's own sources:
# - supabase/realtime `lib/realtime_web/router.ex` (@61f4930a): `get "/ping", PingController, :ping`
#   in the `/api` scope piped through `:tenant_api`, i.e. `RealtimeWeb.Plugs.AssignTenant`, which
#   finds the project (tenant) from the Host header and answers 401 `{"message": "Tenant not
#   found in host"}` (or `"... in database"`) when it cannot (`plugs/assign_tenant.ex`).
#   `lib/realtime_web/controllers/ping_controller.ex` answers `{"message": "Success"}`.
# - supabase/supabase `docker/volumes/api/kong.yml` (@089440fa): service `realtime-v1-rest` maps
#   `/realtime/v1/api` to Realtime's `/api` behind `key-auth` (the `apikey` header; anon and
#   service_role keys are allowed), the same gateway check the client's WebSocket passes.
# - supabase-py 2.34 builds the Realtime URL as `SUPABASE_URL/realtime/v1` (`_sync/client.py`) and
#   realtime-py 2.34 posts its HTTP broadcasts to `<that>/api/broadcast` (`transformers.py`,
#   `_async/channel.py`): the same `/realtime/v1/api` prefix.
# So one plain GET proves gateway, key and Realtime's tenant lookup for this project. No SDK:
# realtime-py has no ping; its socket handshake (connect, join, heartbeat) costs several round
# trips and a socket a serverless function would have to hold open.
PING_PATH = "/realtime/v1/api/ping"


class RealtimePing(BaseModel):
    """`PingController.ping` body (and AssignTenant's error body): `{"message": ...}`."""

    message: str


class RealtimeProbe(BaseProbe):
    """Gateway accepts the service key and Realtime knows this project."""

    name = "realtime"

    def not_configured(self, settings: Settings) -> NotConfigured | None:
        return unless(settings.supabase_configured, "SUPABASE_URL", "SUPABASE_SERVICE_ROLE_KEY")

    async def check(self, ctx: ProbeContext) -> dict[str, object] | None:
        settings = ctx.settings
        assert settings.supabase_service_role_key is not None
        key = settings.supabase_service_role_key.get_secret_value()
        response = await ctx.http.get(
            api_url(settings.supabase_url, PING_PATH),
            headers={"apikey": key, "Authorization": f"Bearer {key}"},
            timeout=ctx.remaining(),
        )
        if response.status_code == 401 and _tenant_missing(response):
            raise ProbeDown("realtime tenant not found")
        check_vendor_status(response)
        parse_body(response, RealtimePing)
        return {}


def _tenant_missing(response: httpx.Response) -> bool:
    try:
        body = RealtimePing.model_validate_json(response.content)
    except (ValidationError, ValueError):
        return False
    return body.message.startswith("Tenant not found")
