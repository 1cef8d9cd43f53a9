"""Stripe: charges (payments, revenue per currency), subscriptions, webhook events undelivered.

Three sources, so a key restricted to some resources (or one failing list) still leaves the
others measured. The SDK (imported here, in the cron only) pages with `auto_paging_iter` and
raises typed errors; every request has a timeout and at most one retry (`make_client`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ValidationError

from lib.core.log import log
from lib.core.not_configured import NotConfigured, missing
from lib.metrics import SourceContext, SourceError

PAGE_SIZE = 100  # Stripe's maximum `limit`
REQUEST_TIMEOUT_S = 10.0
HEADLINE_CURRENCY = "eur"
CURRENCY_CODE = re.compile(r"[a-z]{3}")


def _iso_currency(value: object) -> str | None:
    if isinstance(value, str) and CURRENCY_CODE.fullmatch(value.lower()):
        return value.lower()
    return None


# Three-letter ISO code, lowercased; anything else is None so the one object's amount is left out
# (and logged) instead of becoming a metric without a unit that voids the day.
IsoCurrency = Annotated[str | None, BeforeValidator(_iso_currency)]
# "List events, going back up to 30 days" (https://docs.stripe.com/api/events/list): for an older
# day the events list is empty, and an event count read from it would be a false 0.
EVENTS_KEPT = timedelta(days=30)


class Charge(BaseModel):
    """Stripe `charge`, the fields we rely on."""

    id: str
    object: Literal["charge"]
    status: str  # succeeded | pending | failed
    amount_captured: int
    currency: IsoCurrency


class Subscription(BaseModel):
    id: str
    object: Literal["subscription"]


class Event(BaseModel):
    id: str
    object: Literal["event"]
    type: str


def listed[M: BaseModel](
    ctx: SourceContext, model: type[M], lister: Callable[[dict[str, Any]], Any], **params: Any
) -> Iterator[M]:
    """Every item of a Stripe list created in the day, all pages, validated."""
    created = {"gte": ctx.window.start_ts, "lt": ctx.window.end_ts}
    first = lister({"created": created, "limit": PAGE_SIZE, **params})
    for item in first.auto_paging_iter():
        ctx.check_deadline("Stripe pagination")
        yield model.model_validate(item.to_dict())


class StripeSource:
    """What the three Stripe sources share: the key check, the client and the error words."""

    uses_store = False
    name = "stripe"

    def missing(self, ctx: SourceContext) -> NotConfigured | str | None:
        return missing(STRIPE_SECRET_KEY=ctx.settings.stripe_secret_key)

    def collect(self, ctx: SourceContext) -> dict[str, float]:
        import stripe

        from lib.probes.stripe_webhooks import make_client, stripe_signal

        client = make_client(ctx.settings, ctx.timeout(REQUEST_TIMEOUT_S))
        try:
            return self.measure(ctx, client)
        except stripe.StripeError as error:
            raise SourceError(stripe_signal(error).reason) from None
        except (ValidationError, TypeError, KeyError, AttributeError, ValueError):
            # An SDK that cannot read the body fails in its own ways: the documented words.
            raise SourceError("malformed response") from None

    def measure(self, ctx: SourceContext, client: Any) -> dict[str, float]:
        raise NotImplementedError


class StripeCharges(StripeSource):
    """Charges created in the day: succeeded, failed, and captured amounts per currency."""

    name = "stripe.charges"

    def measure(self, ctx: SourceContext, client: Any) -> dict[str, float]:
        statuses: Counter[str] = Counter()
        revenue: Counter[str] = Counter()
        unreadable = 0
        for charge in listed(ctx, Charge, client.v1.charges.list):
            statuses[charge.status] += 1
            if charge.status == "succeeded" and charge.currency is None:
                unreadable += 1
            elif charge.status == "succeeded":
                revenue[charge.currency] += charge.amount_captured
        values: dict[str, float] = {
            "payments_succeeded": statuses["succeeded"],
            "payments_failed": statuses["failed"],
            "revenue_cents": revenue.pop(HEADLINE_CURRENCY, 0),
        }
        values.update({f"revenue_cents_{currency}": cents for currency, cents in revenue.items()})
        if unreadable:
            log.warning("stripe.charges: %d charge(s) without an ISO currency left out", unreadable)
        return values


def events_gone(ctx: SourceContext) -> str | None:
    """Why a day is skipped by a source that counts Stripe events: Stripe no longer lists them."""
    if ctx.window.start < datetime.now(UTC) - EVENTS_KEPT:
        return (
            f"Stripe lists events of the last {EVENTS_KEPT.days} days only"
            " (its stored metrics are left as they are)"
        )
    return None


class StripeSubscriptions(StripeSource):
    """New subscriptions (created in the day, any status) and ended ones (deleted events)."""

    name = "stripe.subscriptions"

    def missing(self, ctx: SourceContext) -> NotConfigured | str | None:
        # Both or neither: a day with new subscriptions but no cancellations would read as growth.
        return super().missing(ctx) or events_gone(ctx)

    def measure(self, ctx: SourceContext, client: Any) -> dict[str, float]:
        new = sum(1 for _ in listed(ctx, Subscription, client.v1.subscriptions.list, status="all"))
        # Stripe's subscription list cannot filter on cancellation time; the event of a
        # subscription ending can (events are listed for 30 days: older days are skipped).
        ended = sum(
            1
            for _ in listed(ctx, Event, client.v1.events.list, type="customer.subscription.deleted")
        )
        return {"subscriptions_new": new, "subscriptions_canceled": ended}


class StripeWebhookFailures(StripeSource):
    """Events created in the day whose webhook delivery has not succeeded."""

    name = "stripe.webhooks"

    def missing(self, ctx: SourceContext) -> NotConfigured | str | None:
        return super().missing(ctx) or events_gone(ctx)

    def measure(self, ctx: SourceContext, client: Any) -> dict[str, float]:
        failed = sum(1 for _ in listed(ctx, Event, client.v1.events.list, delivery_success=False))
        return {"stripe_webhook_failures": failed}


STRIPE_SOURCES = (StripeCharges(), StripeSubscriptions(), StripeWebhookFailures())
