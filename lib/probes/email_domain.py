"""Resend reachable and the sending domain (RESEND_DOMAIN) verified."""

from __future__ import annotations

from lib.core.config import Settings
from lib.core.not_configured import NotConfigured, unless
from lib.probes import BaseProbe, ProbeContext, ProbeDegraded, check_vendor_status, parse_body
from lib.probes.vendors import ResendDomainList, api_url

PAGE_SIZE = 100  # Resend's maximum `limit`


class EmailDomainProbe(BaseProbe):
    """`GET /domains`, page by page (`limit`/`after`) until RESEND_DOMAIN is found.

    Plain httpx, not the resend SDK: the SDK keeps its key and base URL in module globals, turns
    a timeout into a fake `ResendError(code=500)` and pages no more than this loop does.
    """

    name = "email"

    def not_configured(self, settings: Settings) -> NotConfigured | None:
        return unless(settings.resend_api_key is not None, "RESEND_API_KEY", "RESEND_DOMAIN")

    async def check(self, ctx: ProbeContext) -> dict[str, object] | None:
        settings = ctx.settings
        assert settings.resend_api_key is not None
        wanted = settings.resend_domain
        headers = {"Authorization": f"Bearer {settings.resend_api_key.get_secret_value()}"}
        params = {"limit": str(PAGE_SIZE)}
        while True:
            response = await ctx.http.get(
                api_url(settings.resend_api_url, "/domains"),
                params=params,
                headers=headers,
                timeout=ctx.remaining(),
            )
            check_vendor_status(response)
            page = parse_body(response, ResendDomainList)
            if wanted is None:
                return {"domain": None, "domain_status": None}
            found = next((d for d in page.data if d.name.lower() == wanted.lower()), None)
            if found is not None:
                return _verdict(wanted, found.status)
            if not page.has_more or not page.data:
                return _verdict(wanted, "not_found")
            params = {"limit": str(PAGE_SIZE), "after": page.data[-1].id}


def _verdict(domain: str, status: str) -> dict[str, object]:
    details: dict[str, object] = {"domain": domain, "domain_status": status}
    if status == "not_found":
        raise ProbeDegraded(f"domain {domain} not found", details)
    if status != "verified":
        raise ProbeDegraded(f"domain {domain} is {status}", details)
    return details
