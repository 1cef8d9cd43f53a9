"""/api/health/integrations: OpenAI, Stripe webhooks, e-mail domain and Supabase Realtime."""

from __future__ import annotations

from pydantic import BaseModel

from lib.core.http import Request, Response, json_response, require_token, utc_timestamp
from lib.endpoints.health import CheckDetail
from lib.platform.probe import SupabaseProjectProbe
from lib.probes import Probe, ProbeResult
from lib.probes.email_domain import EmailDomainProbe
from lib.probes.health import OverallStatus, evaluate, service_word
from lib.probes.realtime import RealtimeProbe
from lib.probes.stripe_webhooks import EndpointView, StripeWebhooksProbe
from lib.probes.vendors import OpenAIProbe

# OpenAI reuses /api/health's probe (plain httpx, `GET /models/{OPENAI_MODEL}`): the SDK would
# add ~1.2 s of import to every cold start for one GET whose only outcome we need is its status.
INTEGRATION_PROBES: tuple[Probe, ...] = (
    OpenAIProbe(),
    StripeWebhooksProbe(),
    EmailDomainProbe(),
    RealtimeProbe(),
    SupabaseProjectProbe(),
)


class OpenAICheck(CheckDetail):
    model: str | None = None


class StripeCheck(CheckDetail):
    webhook_endpoints: list[EndpointView] | None = None
    failed_webhook_deliveries: int | None = None
    pending_webhooks: int | None = None
    partial: bool = False


class EmailCheck(CheckDetail):
    domain: str | None = None
    domain_status: str | None = None


class SupabaseCheck(CheckDetail):
    services: dict[str, str] | None = None  # Management API health: name -> ACTIVE_HEALTHY, ...


class Integrations(BaseModel):
    openai: OpenAICheck
    stripe: StripeCheck
    email: EmailCheck
    realtime: CheckDetail
    supabase: SupabaseCheck


class IntegrationsBody(BaseModel):
    """The /api/health/integrations JSON."""

    status: OverallStatus
    timestamp: str
    integrations: Integrations


def _check[C: CheckDetail](model: type[C], name: str, result: ProbeResult) -> C:
    return model(
        status=service_word(name, result.level),
        latency_ms=result.latency_ms,
        reason=result.reason,
        **result.details,
    )


def integrations_response(request: Request) -> Response:
    require_token(request)
    status, results = evaluate(request.settings, INTEGRATION_PROBES)
    body = IntegrationsBody(
        status=status,
        timestamp=utc_timestamp(),
        integrations=Integrations(
            openai=_check(OpenAICheck, "openai", results["openai"]),
            stripe=_check(StripeCheck, "stripe", results["stripe"]),
            email=_check(EmailCheck, "email", results["email"]),
            realtime=_check(CheckDetail, "realtime", results["realtime"]),
            supabase=_check(SupabaseCheck, "supabase", results["supabase"]),
        ),
    )
    return json_response(body, 503 if status == "unhealthy" else 200)
