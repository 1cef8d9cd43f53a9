"""Stripe facts for the reports: MRR of active subscriptions, failure codes of failed charges.

Read live at build time (the daily metrics keep counts only). The SDK is imported here, in the
report cron only; the client has explicit timeouts and at most one retry (`make_client`).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from lib.core.config import Settings
from lib.core.errors import SourceError

TIMEOUT_S = 10.0
PAGE_SIZE = 100
MAX_ITEMS = 5000  # a bound on one report's Stripe reading (50 pages)
# Months per billing interval: a yearly price of 120 € is 10 € MRR, a weekly one ×52/12.
MONTHS_PER = {"day": 12 / 365, "week": 12 / 52, "month": 1.0, "year": 12.0}


class Recurring(BaseModel):
    interval: Literal["day", "week", "month", "year"]
    interval_count: int


class Price(BaseModel):
    currency: str
    unit_amount: int | None
    recurring: Recurring | None


class Item(BaseModel):
    price: Price
    quantity: int | None = 1


class Items(BaseModel):
    data: list[Item]


class Subscription(BaseModel):
    id: str
    object: Literal["subscription"]
    status: str
    items: Items


class Charge(BaseModel):
    id: str
    object: Literal["charge"]
    status: str
    failure_code: str | None


class Mrr(BaseModel):
    """Monthly recurring revenue of the active subscriptions, per currency (major units)."""

    active: int
    by_currency: dict[str, float]


def monthly_amount(subscription: Subscription) -> dict[str, float]:
    """The subscription's recurring amount normalised to one month, in major units."""
    out: dict[str, float] = {}
    for item in subscription.items.data:
        price = item.price
        if price.recurring is None or price.unit_amount is None:
            continue
        months = MONTHS_PER[price.recurring.interval] * price.recurring.interval_count
        amount = price.unit_amount * (item.quantity or 1) / 100 / months
        out[price.currency.upper()] = out.get(price.currency.upper(), 0.0) + amount
    return out


def _iterate(settings: Settings, lister: str, params: dict[str, Any]) -> Any:
    import stripe

    from lib.probes.stripe_webhooks import make_client, stripe_signal

    if settings.stripe_secret_key is None:
        raise SourceError("STRIPE_SECRET_KEY is not set")
    client = make_client(settings, TIMEOUT_S)
    try:
        page = getattr(client.v1, lister).list(params={"limit": PAGE_SIZE, **params})
        for count, item in enumerate(page.auto_paging_iter()):
            if count >= MAX_ITEMS:
                break
            yield item.to_dict()
    except stripe.StripeError as error:
        raise SourceError(f"Stripe: {stripe_signal(error).reason}") from None


def mrr(settings: Settings) -> Mrr:
    """MRR from every active subscription now (Stripe keeps no history of past MRR)."""
    totals: Counter[str] = Counter()
    active = 0
    try:
        for raw in _iterate(settings, "subscriptions", {"status": "active"}):
            subscription = Subscription.model_validate(raw)
            active += 1
            totals.update(monthly_amount(subscription))
    except ValidationError:
        raise SourceError("Stripe: malformed subscription") from None
    return Mrr(active=active, by_currency={k: round(v, 2) for k, v in sorted(totals.items())})


def failure_codes(settings: Settings, start: datetime, end: datetime) -> Counter[str]:
    """`failure_code` of every failed charge created in [start, end), counted."""
    codes: Counter[str] = Counter()
    created = {"gte": int(start.timestamp()), "lt": int(end.timestamp())}
    try:
        for raw in _iterate(settings, "charges", {"created": created}):
            charge = Charge.model_validate(raw)
            if charge.status == "failed":
                codes[charge.failure_code or "unknown"] += 1
    except ValidationError:
        raise SourceError("Stripe: malformed charge") from None
    return codes
