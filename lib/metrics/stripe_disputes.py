"""Stripe disputes, refunds and early fraud warnings created in the day (three sources).

One source per list, as for charges: a key restricted from Radar still leaves disputes and
refunds measured. Amounts follow `revenue_cents`: the EUR headline plus `<metric>_<ccy>` for
every other currency seen that day. Lists: https://docs.stripe.com/api/disputes/list,
https://docs.stripe.com/api/refunds/list, https://docs.stripe.com/api/radar/early_fraud_warnings/list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel

from lib.core.log import log
from lib.metrics import SourceContext
from lib.metrics.stripe import HEADLINE_CURRENCY, IsoCurrency, StripeSource, listed

# Refund states that move money back to the customer; `failed` and `canceled` ones never did.
REFUND_COUNTED = frozenset({"succeeded", "pending", "requires_action"})


class _Amount(BaseModel):
    id: str
    amount: int
    currency: IsoCurrency


class Dispute(_Amount):
    """Stripe `dispute`: every one created in the day counts, whatever its outcome.

    Inquiries (`warning_*` statuses) count too: one that escalates stays the same object with
    its first `created`, so leaving inquiries out would miss those chargebacks for good.
    """

    object: Literal["dispute"]
    status: str


class Refund(_Amount):
    """Stripe `refund` (status is nullable in the 2023 API description)."""

    object: Literal["refund"]
    status: str | None = None


class EarlyFraudWarning(BaseModel):
    """Stripe `radar.early_fraud_warning`: an issuer's fraud report (Visa TC40, Mastercard SAFE)."""

    id: str
    object: Literal["radar.early_fraud_warning"]
    fraud_type: str


def amounts(metric: str, items: Sequence[_Amount]) -> dict[str, float]:
    """`<metric>` in EUR (0 when none) and `<metric>_<ccy>` per other currency seen."""
    by_currency: Counter[str] = Counter()
    unreadable = 0
    for item in items:
        if item.currency is None:
            unreadable += 1
        else:
            by_currency[item.currency] += item.amount
    if unreadable:
        log.warning("stripe: %d %s item(s) without an ISO currency left out", unreadable, metric)
    values: dict[str, float] = {metric: by_currency.pop(HEADLINE_CURRENCY, 0)}
    values.update({f"{metric}_{currency}": cents for currency, cents in by_currency.items()})
    return values


class StripeDisputes(StripeSource):
    """Disputes (chargebacks) opened in the day, and their disputed amounts."""

    name = "stripe.disputes"

    def measure(self, ctx: SourceContext, client: Any) -> dict[str, float]:
        disputes = list(listed(ctx, Dispute, client.v1.disputes.list))
        values: dict[str, float] = {"disputes_opened": len(disputes)}
        values.update(amounts("dispute_amount_cents", disputes))
        return values


class StripeRefunds(StripeSource):
    """Refunds created in the day that move money back (`net_revenue_cents` is derived)."""

    name = "stripe.refunds"

    def measure(self, ctx: SourceContext, client: Any) -> dict[str, float]:
        refunds = [
            refund
            for refund in listed(ctx, Refund, client.v1.refunds.list)
            # A refund without a status is an older card refund, which succeed synchronously.
            if refund.status is None or refund.status in REFUND_COUNTED
        ]
        values: dict[str, float] = {"refunds": len(refunds)}
        values.update(amounts("refunded_cents", refunds))
        return values


class StripeEarlyFraudWarnings(StripeSource):
    """Early fraud warnings created in the day (`created` filter of today's API)."""

    name = "stripe.fraud_warnings"

    def measure(self, ctx: SourceContext, client: Any) -> dict[str, float]:
        lister = client.v1.radar.early_fraud_warnings.list
        count = sum(1 for _ in listed(ctx, EarlyFraudWarning, lister))
        return {"early_fraud_warnings": count}


DISPUTE_SOURCES = (StripeDisputes(), StripeRefunds(), StripeEarlyFraudWarnings())
