"""The `supabase` integration of /api/health/integrations: the Management API's project health."""

from __future__ import annotations

from pydantic import RootModel

from lib.core.config import Settings
from lib.core.not_configured import NotConfigured, unless
from lib.platform import management
from lib.platform.management import HEALTH_SERVICES, ServiceHealth
from lib.probes import (
    BaseProbe,
    ProbeContext,
    ProbeDegraded,
    ProbeDown,
    check_vendor_status,
    parse_body,
)


class HealthList(RootModel[list[ServiceHealth]]):
    """`GET /v1/projects/{ref}/health` answers a JSON array, one item per requested service."""


class SupabaseProjectProbe(BaseProbe):
    """All services ACTIVE_HEALTHY; another state degrades, the database's takes it down."""

    name = "supabase"

    def not_configured(self, settings: Settings) -> NotConfigured | None:
        # What to set from scratch (the token; the ref only when the URL does not tell it).
        return unless(
            management.not_configured(settings) is None,
            "SUPABASE_ACCESS_TOKEN",
            note="and SUPABASE_PROJECT_REF unless SUPABASE_URL is *.supabase.co",
        )

    async def check(self, ctx: ProbeContext) -> dict[str, object] | None:
        settings = ctx.settings
        token = settings.supabase_access_token
        assert token is not None
        base = str(settings.supabase_api_url).rstrip("/")
        response = await ctx.http.get(
            f"{base}/v1/projects/{management.project_ref(settings)}/health",
            params={"services": list(HEALTH_SERVICES)},  # exploded: services=auth&services=db
            headers={"Authorization": f"Bearer {token.get_secret_value()}"},
            timeout=ctx.remaining(),
        )
        check_vendor_status(response)
        services = {s.name: s.status for s in parse_body(response, HealthList).root}
        details: dict[str, object] = {"services": services}
        unhealthy = sorted(name for name, status in services.items() if status != "ACTIVE_HEALTHY")
        if "db" in unhealthy:
            raise ProbeDown(f"database {services['db']}", details)
        if unhealthy:
            raise ProbeDegraded("not healthy: " + ", ".join(unhealthy), details)
        return details
