"""Fake vendor routes for the daily metrics: Stripe charges/subscriptions/events, Resend e-mail
metrics, OpenAI organization costs. Official shapes, official pagination, seeded per test."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.fakes import FakeRequest, Reply
from tests.fakes.vendors import (
    STRIPE_FIXTURES,
    FakeOpenAI,
    FakeResend,
    FakeStripe,
    stripe_page,
)

_BOUNDS = (
    ("gte", int.__ge__),
    ("gt", int.__gt__),
    ("lt", int.__lt__),
    ("lte", int.__le__),
)


def _stamp(moment: datetime) -> int:
    return int(moment.timestamp())


def created_between(items: list[dict[str, Any]], request: FakeRequest) -> list[dict[str, Any]]:
    """Stripe's `created[gte|gt|lt|lte]` filters, newest first as Stripe lists."""
    for op, keep in _BOUNDS:
        bound = request.arg(f"created[{op}]")
        if bound is not None:
            items = [i for i in items if keep(i["created"], int(bound))]
    return sorted(items, key=lambda i: (i["created"], i["id"]), reverse=True)


class BillingStripe(FakeStripe):
    """FakeStripe plus `GET /v1/charges` and `GET /v1/subscriptions` (and `type` on events)."""

    def __init__(self) -> None:
        super().__init__()
        self.charges: list[dict[str, Any]] = []
        self.subscriptions: list[dict[str, Any]] = []
        self.route("GET", r"/v1/charges")(self._charges)
        self.route("GET", r"/v1/subscriptions")(self._subscriptions)

    def reset(self) -> None:
        super().reset()
        self.charges = []
        self.subscriptions = []

    def add_charge(
        self, at: datetime, status: str = "succeeded", amount: int = 4900, currency: str = "eur"
    ) -> None:
        charge = copy.deepcopy(STRIPE_FIXTURES["charge"])
        succeeded = status == "succeeded"
        charge.update(
            id=f"ch_fake{len(self.charges):08d}",
            created=_stamp(at),
            status=status,
            amount=amount,
            amount_captured=amount if succeeded else 0,
            captured=succeeded,
            paid=succeeded,
            currency=currency,
            failure_code=None if succeeded or status == "pending" else "card_declined",
        )
        self.charges.append(charge)

    def add_subscription(self, at: datetime, status: str = "active") -> None:
        subscription = copy.deepcopy(STRIPE_FIXTURES["subscription"])
        subscription.update(id=f"sub_fake{len(self.subscriptions):08d}", created=_stamp(at))
        subscription["status"] = status
        self.subscriptions.append(subscription)

    def add_event(self, at: datetime, kind: str, *, delivered: bool = True) -> None:
        """One event, kept newest first like the events FakeStripe already serves."""
        event = copy.deepcopy(STRIPE_FIXTURES["event"])
        event.update(id=f"evt_bill{len(self.events):08d}", created=_stamp(at), type=kind)
        if kind.startswith("customer.subscription."):
            event["data"] = {"object": copy.deepcopy(STRIPE_FIXTURES["subscription"])}
        event["pending_webhooks"] = 0 if delivered else 1
        event["_delivered"] = delivered
        self.events.append(event)
        self.events.sort(key=lambda e: e["created"], reverse=True)

    def _charges(self, request: FakeRequest) -> Reply:
        return 200, stripe_page(created_between(self.charges, request), request, "/v1/charges")

    def _subscriptions(self, request: FakeRequest) -> Reply:
        # Stripe lists every status but canceled unless `status` says otherwise ("all": all).
        status = request.arg("status")
        items = self.subscriptions
        if status is None:
            items = [s for s in items if s["status"] != "canceled"]
        elif status != "all":
            items = [s for s in items if s["status"] == status]
        return 200, stripe_page(created_between(items, request), request, "/v1/subscriptions")


def _parse_iso(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


RESEND_COUNTS = ("sent", "delivered", "bounced", "opened", "clicked", "complained", "failed")


class MetricsResend(FakeResend):
    """FakeResend plus `GET /emails/metrics` totals over [start_date, end_date) of seeded events."""

    def __init__(self) -> None:
        super().__init__()
        self.email_events: list[tuple[datetime, str]] = []
        self.route("GET", r"/emails/metrics")(self._metrics)

    def reset(self) -> None:
        super().reset()
        self.email_events = []

    def add_emails(self, at: datetime, event: str, count: int = 1) -> None:
        self.email_events.extend((at, event) for _ in range(count))

    def _metrics(self, request: FakeRequest) -> Reply:
        end = _parse_iso(request.arg("end_date") or datetime.now(UTC).isoformat())
        start = _parse_iso(request.arg("start_date") or (end - timedelta(days=6)).isoformat())
        wanted = [m for m in (request.arg("metrics") or ",".join(RESEND_COUNTS)).split(",") if m]
        unknown = [m for m in wanted if m not in RESEND_COUNTS]
        if unknown or start > end:
            return 422, self.error_body(422, "invalid parameters")
        totals = {
            m: sum(1 for at, e in self.email_events if e == m and start <= at < end) for m in wanted
        }
        return 200, {
            "object": "metrics",
            "start_date": start.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "end_date": end.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "metrics": wanted,
            "dimensions": [],
            "granularity": request.arg("granularity", "daily"),
            "totals": totals,
        }


DAY_S = 86400


class CostsOpenAI(FakeOpenAI):
    """FakeOpenAI plus `GET /v1/organization/costs`: UTC-day buckets, `limit` and `next_page`."""

    def __init__(self) -> None:
        super().__init__()
        self.costs: list[tuple[datetime, float]] = []
        self.route("GET", r"/v1/organization/costs")(self._costs)

    def reset(self) -> None:
        super().reset()
        self.costs = []

    def add_cost(self, at: datetime, usd: float) -> None:
        self.costs.append((at, usd))

    def _costs(self, request: FakeRequest) -> Reply:
        start_arg = request.arg("start_time")
        if start_arg is None or not start_arg.isdigit():
            return 400, self.error_body(400, "start_time is required")
        if request.headers.get("authorization") is None:
            return 401, self.error_body(401, "admin key required")
        start = int(start_arg) - int(start_arg) % DAY_S  # buckets are whole UTC days
        end = int(request.arg("end_time") or start + 7 * DAY_S)
        limit = min(int(request.arg("limit", "7") or 7), 180)
        first = int(request.arg("page") or start)
        buckets = []
        for bucket_start in range(first, end, DAY_S):
            if len(buckets) == limit:
                break
            total = sum(
                usd
                for at, usd in self.costs
                if bucket_start <= at.timestamp() < bucket_start + DAY_S
            )
            results = []
            if total:
                results.append(
                    {
                        "object": "organization.costs.result",
                        "amount": {"value": round(total, 10), "currency": "usd"},
                        "line_item": None,
                        "project_id": None,
                        "api_key_id": None,
                        "quantity": None,
                        "quantity_unit": None,
                    }
                )
            buckets.append(
                {
                    "object": "bucket",
                    "start_time": bucket_start,
                    "end_time": bucket_start + DAY_S,
                    "results": results,
                }
            )
        following = first + len(buckets) * DAY_S
        has_more = following < end
        return 200, {
            "object": "page",
            "data": buckets,
            "has_more": has_more,
            "next_page": str(following) if has_more else None,
        }
