"""Stripe webhook health: every endpoint's status, and failed deliveries of the last 24 hours."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import requests

# The SDK (~0.4 s to import) is loaded only by the integrations function: /api/health never
# imports this module. It earns its place with typed errors, budget-bound retries, auth and API
# version for both lists, and `auto_paging_iter` for the endpoint list (events: see
# `count_failed`); its calls block, so each runs through `run_blocking` under the probe deadline.
import stripe
from pydantic import BaseModel, ValidationError

from lib.core.config import Settings
from lib.core.deadline import run_blocking
from lib.core.errors import caused_by, status_error
from lib.core.not_configured import NotConfigured, missing
from lib.probes import BaseProbe, ProbeContext, ProbeDegraded, ProbeDown

PAGE_SIZE = 100  # Stripe's maximum `limit`
WINDOW_S = 24 * 3600
# Kept back from the deadline: the count stops here, so a partial result beats the runner's timeout.
COUNT_RESERVE_S = 0.1
# The SDK sleeps at least 0.5 s before it retries; allow one retry only when the budget leaves
# room for that sleep and a second answer (the default 2.5 s budget does, a 1.5 s one does not).
RETRY_MIN_BUDGET_S = 2.0


class WebhookEndpoint(BaseModel):
    """Stripe `webhook_endpoint`, the fields we rely on."""

    id: str
    object: Literal["webhook_endpoint"]
    url: str
    status: str  # "enabled" | "disabled"


class StripeEvent(BaseModel):
    """Stripe `event`, the fields we rely on."""

    id: str
    object: Literal["event"]
    created: int
    pending_webhooks: int


class EndpointView(BaseModel):
    """One webhook endpoint as reported: where it points and whether Stripe still delivers."""

    url: str
    status: str


class EventPage(BaseModel):
    """Stripe's `GET /v1/events` list envelope, the fields we rely on."""

    object: Literal["list"]
    data: list[StripeEvent]
    has_more: bool


@dataclass
class FailedDeliveries:
    """Tally of whole pages, written by the counting thread and cut by the probe at its deadline."""

    events: int = 0
    pending_webhooks: int = 0
    pages: int = 0
    stopped: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: EventPage) -> bool:
        """Count one page unless the count was already cut; False means stop paging."""
        with self.lock:
            if self.stopped:
                return False
            self.events += len(page.data)
            self.pending_webhooks += sum(e.pending_webhooks for e in page.data)
            self.pages += 1
            return True

    def cut(self) -> None:
        with self.lock:
            self.stopped = True


def public_url(url: str) -> str:
    """Scheme, host and path only: a query string or user info may carry a token."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def make_client(settings: Settings, budget_s: float) -> stripe.StripeClient:
    assert settings.stripe_secret_key is not None
    return stripe.StripeClient(
        settings.stripe_secret_key.get_secret_value(),
        base_addresses={"api": str(settings.stripe_api_base).rstrip("/")},
        max_network_retries=1 if budget_s >= RETRY_MIN_BUDGET_S else 0,
        # The SDK's default read timeout is 80 s; never wait longer than the whole budget.
        http_client=stripe.RequestsClient(timeout=(budget_s, budget_s)),
    )


def list_endpoints(client: stripe.StripeClient) -> list[WebhookEndpoint]:
    """Every webhook endpoint, all pages (blocking)."""
    first = client.v1.webhook_endpoints.list(params={"limit": PAGE_SIZE})
    return [
        WebhookEndpoint.model_validate(item, from_attributes=True)
        for item in first.auto_paging_iter()
    ]


def count_failed(client: stripe.StripeClient, since: int, tally: FailedDeliveries) -> None:
    """Count events since `since` whose webhook delivery failed, page by page (blocking).

    `raw_request`, not `auto_paging_iter`: the SDK still signs, retries and raises typed errors,
    but skips building a StripeObject tree per event, measured at ~20 ms per page of 100 events
    on this kind of machine, time the budget-capped count cannot spare.
    """
    params: dict[str, object] = {
        "delivery_success": False,
        "created": {"gte": since},
        "limit": PAGE_SIZE,
    }
    while True:
        page = EventPage.model_validate(client.raw_request("get", "/v1/events", **params).data)
        if not tally.add(page) or not page.has_more or not page.data:
            return
        params["starting_after"] = page.data[-1].id


def stripe_signal(error: stripe.StripeError) -> ProbeDown:
    """The probe signal for an SDK error, in the words every vendor probe uses."""
    if isinstance(error, stripe.APIConnectionError):
        if caused_by(error, requests.Timeout):
            return ProbeDown("timeout")
        if caused_by(error, ConnectionRefusedError):
            return ProbeDown("connection refused")
        return ProbeDown("connection failed")
    # No error status: a 2xx the SDK could not decode ("Invalid response body from API").
    return status_error(error.http_status or 0) or ProbeDown("malformed response")


async def _finished_by[T](call: asyncio.Future[T], deadline: float) -> bool:
    """Wait for `call` until `deadline`; its result (or error) once done, False if still running."""
    await asyncio.wait({call}, timeout=max(0.0, deadline - time.monotonic()))
    if not call.done():
        return False
    call.result()
    return True


class StripeWebhooksProbe(BaseProbe):
    """API reachable, webhook endpoints enabled, failed deliveries counted within the budget."""

    name = "stripe"

    def not_configured(self, settings: Settings) -> NotConfigured | None:
        return missing(STRIPE_SECRET_KEY=settings.stripe_secret_key)

    async def check(self, ctx: ProbeContext) -> dict[str, object] | None:
        client = make_client(ctx.settings, ctx.remaining())
        tally = FailedDeliveries()
        since = int(time.time()) - WINDOW_S
        # Both lists at once: the endpoint list is one round trip, the event count may be several.
        endpoints_call = asyncio.ensure_future(run_blocking(lambda: list_endpoints(client)))
        count_call = asyncio.ensure_future(run_blocking(lambda: count_failed(client, since, tally)))
        try:
            endpoints = await endpoints_call
            complete = await _finished_by(count_call, ctx.deadline - COUNT_RESERVE_S)
        except stripe.StripeError as error:
            raise stripe_signal(error) from None
        except ValidationError:
            raise ProbeDown("malformed response") from None
        finally:
            tally.cut()
            _forget(endpoints_call, count_call)
        return _verdict(endpoints, tally, complete)


def _forget(*calls: asyncio.Future[object]) -> None:
    """Abandon calls still running, and mark errors nobody will read as read."""
    for call in calls:
        if not call.done():
            call.cancel()
        elif not call.cancelled():
            call.exception()


def _verdict(
    endpoints: list[WebhookEndpoint], tally: FailedDeliveries, complete: bool
) -> dict[str, object]:
    counted = tally.pages > 0
    details: dict[str, object] = {
        "webhook_endpoints": [
            EndpointView(url=public_url(e.url), status=e.status).model_dump() for e in endpoints
        ],
        "failed_webhook_deliveries": tally.events if counted else None,
        "pending_webhooks": tally.pending_webhooks if counted else None,
        "partial": not complete,
    }
    problems = []
    if not endpoints:
        problems.append("no webhook endpoints")
    disabled = sum(1 for e in endpoints if e.status != "enabled")
    if disabled:
        problems.append(f"{disabled} of {len(endpoints)} webhook endpoints disabled")
    if not counted:
        problems.append("failed deliveries not counted in time")
    elif tally.events:
        at_least = "" if complete else "at least "
        problems.append(f"{at_least}{tally.events} webhook events not yet delivered in 24 h")
    if problems:
        raise ProbeDegraded("; ".join(problems), details)
    return details
