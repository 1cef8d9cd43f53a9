"""Live probes of the vendor APIs used by /api/health: OpenAI, Stripe and Resend."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from lib.core.config import Settings
from lib.core.not_configured import NotConfigured, missing, unless
from lib.probes import BaseProbe, ProbeContext, ProbeDown, check_vendor_status, parse_body


def api_url(base: object, path: str) -> str:
    return str(base).rstrip("/") + path


class OpenAIModel(BaseModel):
    """`GET /models/{model}` body (OpenAI `Model` schema), the fields we rely on."""

    id: str
    object: Literal["model"]


# Only without OPENAI_MODEL: built on first use, not in every cold start.
class OpenAIModelList(BaseModel, defer_build=True):
    """`GET /models` body (`ListModelsResponse`)."""

    object: Literal["list"]
    data: list[OpenAIModel]


class StripeBalance(BaseModel):
    """`GET /v1/balance` body, the fields we rely on."""

    object: Literal["balance"]
    livemode: bool


class ResendDomain(BaseModel):
    """One domain of Resend's `GET /domains` list."""

    id: str
    name: str
    status: str


class ResendDomainList(BaseModel):
    """Resend's `GET /domains` body (`ListDomainsResponse`), one page of it."""

    object: str = "list"  # Resend's spec types it as any string: only `data` is used
    has_more: bool = False
    data: list[ResendDomain]


class OpenAIProbe(BaseProbe):
    """Key accepted and the configured chat model available: `GET /models/{OPENAI_MODEL}`."""

    name = "openai"

    def not_configured(self, settings: Settings) -> NotConfigured | None:
        return unless(settings.openai_api_key is not None, "OPENAI_API_KEY", "OPENAI_MODEL")

    async def check(self, ctx: ProbeContext) -> dict[str, object] | None:
        settings = ctx.settings
        assert settings.openai_api_key is not None
        model = settings.openai_model
        path = f"/models/{model}" if model else "/models"
        response = await ctx.http.get(
            api_url(settings.openai_base_url, path),
            headers={"Authorization": f"Bearer {settings.openai_api_key.get_secret_value()}"},
            timeout=ctx.remaining(),
        )
        if response.status_code == 404 and model:
            raise ProbeDown(f"model {model} not available")
        check_vendor_status(response)
        if model:
            parse_body(response, OpenAIModel)
            return {"model": model}
        return {"models": len(parse_body(response, OpenAIModelList).data)}


class StripeProbe(BaseProbe):
    """API reachable and key accepted: `GET /v1/balance`."""

    name = "stripe"

    def not_configured(self, settings: Settings) -> NotConfigured | None:
        return missing(STRIPE_SECRET_KEY=settings.stripe_secret_key)

    async def check(self, ctx: ProbeContext) -> dict[str, object] | None:
        settings = ctx.settings
        assert settings.stripe_secret_key is not None
        response = await ctx.http.get(
            api_url(settings.stripe_api_base, "/v1/balance"),
            headers={"Authorization": f"Bearer {settings.stripe_secret_key.get_secret_value()}"},
            timeout=ctx.remaining(),
        )
        check_vendor_status(response)
        return {"livemode": parse_body(response, StripeBalance).livemode}


class EmailProbe(BaseProbe):
    """Resend reachable and key accepted: `GET /domains`."""

    name = "email"

    def not_configured(self, settings: Settings) -> NotConfigured | None:
        return missing(RESEND_API_KEY=settings.resend_api_key)

    async def check(self, ctx: ProbeContext) -> dict[str, object] | None:
        settings = ctx.settings
        assert settings.resend_api_key is not None
        response = await ctx.http.get(
            api_url(settings.resend_api_url, "/domains"),
            headers={"Authorization": f"Bearer {settings.resend_api_key.get_secret_value()}"},
            timeout=ctx.remaining(),
        )
        check_vendor_status(response)
        return {"domains": len(parse_body(response, ResendDomainList).data)}
