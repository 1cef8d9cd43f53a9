"""Fake Stripe disputes, refunds and early fraud warnings, and OpenAI completion usage (issue 29).

Stripe: `GET /v1/disputes`, `/v1/refunds`, `/v1/radar/early_fraud_warnings` as documented at
https://docs.stripe.com/api/disputes/list, https://docs.stripe.com/api/refunds/list and
https://docs.stripe.com/api/radar/early_fraud_warnings/list: newest first, cursor pagination
(`limit`, `starting_after`), `created[gte|gt|lt|lte]`. Each query is checked against the
operation's `parameters` in tests/specs/stripe-openapi.trimmed.json (an unknown one is Stripe's
400 "Received unknown parameter"); the early fraud warnings list also takes `created`, which the
2023 description lacks but today's API has (stripe-python 16.1.0,
`stripe/params/radar/_early_fraud_warning_list_params.py`, generated from Stripe's current
OpenAPI). Objects are the 2023 fixtures of tests/specs/, so they validate against that description.

OpenAI: `GET /v1/organization/usage/completions`
(https://platform.openai.com/docs/api-reference/usage/completions): `bucket_width=1d` buckets on
UTC days, `limit` (1d: default 7, at most 31), an opaque `page` cursor with `has_more`/
`next_page`, `group_by=model` filling `model` (null otherwise); each query checked against the
operation's `parameters` in tests/specs/openai-openapi.trimmed.json.
"""

from __future__ import annotations

import copy
import time
from datetime import datetime
from typing import Any, ClassVar

from tests.fakes import FakeRequest, Reply
from tests.fakes.billing import DAY_S, BillingStripe, CostsOpenAI, created_between
from tests.fakes.shapes import operation
from tests.fakes.vendors import STRIPE_FIXTURES, stripe_page

# Query parameters of today's API that the 2023 description lacks (see the module docstring).
STRIPE_NEWER_PARAMETERS = {"/v1/radar/early_fraud_warnings": {"created"}}


def documented_parameters(vendor: str, path: str) -> set[str]:
    return {p["name"] for p in operation(vendor, "GET", path).get("parameters", [])}


class RiskStripe(BillingStripe):
    """BillingStripe plus disputes, refunds and early fraud warnings, seeded per test."""

    LISTS: ClassVar[dict[str, str]] = {
        "/v1/disputes": "disputes",
        "/v1/refunds": "refunds",
        "/v1/radar/early_fraud_warnings": "fraud_warnings",
    }

    def __init__(self) -> None:
        super().__init__()
        self.disputes: list[dict[str, Any]] = []
        self.refunds: list[dict[str, Any]] = []
        self.fraud_warnings: list[dict[str, Any]] = []
        self.refused: list[str] = []  # queries outside the description, answered 400
        for path in self.LISTS:
            self.route("GET", path)(self._list_of(path))

    def reset(self) -> None:
        super().reset()
        self.disputes, self.refunds, self.fraud_warnings, self.refused = [], [], [], []

    def add_dispute(self, at: datetime, amount: int, currency: str = "eur") -> None:
        dispute = copy.deepcopy(STRIPE_FIXTURES["dispute"])
        dispute.update(
            id=f"dp_fake{len(self.disputes):08d}",
            created=int(at.timestamp()),
            amount=amount,
            currency=currency,
            status="needs_response",
        )
        self.disputes.append(dispute)

    def add_refund(
        self, at: datetime, amount: int, currency: str = "eur", status: str = "succeeded"
    ) -> None:
        refund = copy.deepcopy(STRIPE_FIXTURES["refund"])
        refund.update(
            id=f"re_fake{len(self.refunds):08d}",
            created=int(at.timestamp()),
            amount=amount,
            currency=currency,
            status=status,
        )
        self.refunds.append(refund)

    def add_fraud_warning(self, at: datetime) -> None:
        warning = copy.deepcopy(STRIPE_FIXTURES["radar.early_fraud_warning"])
        warning.update(id=f"issfr_fake{len(self.fraud_warnings):08d}", created=int(at.timestamp()))
        self.fraud_warnings.append(warning)

    def _list_of(self, path: str) -> Any:
        def answer(request: FakeRequest) -> Reply:
            allowed = documented_parameters("stripe", path) | STRIPE_NEWER_PARAMETERS.get(
                path, set()
            )
            unknown = sorted({name.split("[")[0] for name in request.query} - allowed)
            if unknown:
                self.refused.append(f"{path}?{unknown[0]}")
                return 400, self.error_body(400, f"Received unknown parameter: {unknown[0]}")
            items = created_between(getattr(self, self.LISTS[path]), request)
            return 200, stripe_page(items, request, path)

        return answer


USAGE_PATH = "/organization/usage/completions"
USAGE_KEYS = ("input_tokens", "output_tokens", "input_cached_tokens", "num_model_requests")


class UsageOpenAI(CostsOpenAI):
    """CostsOpenAI plus completion usage: seeded (moment, model, tokens) rows, UTC-day buckets."""

    def __init__(self) -> None:
        super().__init__()
        self.usage: list[tuple[datetime, str, dict[str, int]]] = []
        self.scripted: list[Any] = []  # bodies served in order instead (the vendor's example)
        self.refused: list[str] = []
        self.route("GET", r"/v1/organization/usage/completions")(self._usage)

    def reset(self) -> None:
        super().reset()
        self.usage, self.scripted, self.refused = [], [], []

    def add_usage(
        self,
        at: datetime,
        model: str,
        inputs: int,
        outputs: int,
        cached: int = 0,
        requests: int = 1,
    ) -> None:
        counts = dict(zip(USAGE_KEYS, (inputs, outputs, cached, requests), strict=True))
        self.usage.append((at, model, counts))

    def _refuse(self, message: str) -> Reply:
        self.refused.append(message)
        return 400, self.error_body(400, message)

    def _usage(self, request: FakeRequest) -> Reply:
        allowed = documented_parameters("openai", USAGE_PATH)
        # OpenAI's own SDK writes an array as `group_by[]=model`; the description's default
        # (form, exploded) is `group_by=model`: both name the same parameter.
        unknown = sorted({name.removesuffix("[]") for name in request.query} - allowed)
        if unknown:
            return self._refuse(f"unknown parameter {unknown[0]}")
        if request.headers.get("authorization") is None:
            return 401, self.error_body(401, "admin key required")
        if self.scripted:
            return 200, self.scripted.pop(0)
        start_arg = request.arg("start_time")
        if start_arg is None or not start_arg.isdigit():
            return self._refuse("start_time is required")
        if request.arg("bucket_width", "1d") != "1d":
            return self._refuse("this fake serves bucket_width=1d only")
        group_by = set(request.query.get("group_by", []) + request.query.get("group_by[]", []))
        limit = int(request.arg("limit", "7") or 7)
        if not 1 <= limit <= 31:
            return self._refuse("limit must be 1 to 31 for 1d buckets")
        start = int(start_arg) - int(start_arg) % DAY_S
        # Without end_time the range runs to now (the bucket of today included).
        end = int(request.arg("end_time") or time.time() // DAY_S * DAY_S + DAY_S)
        page = request.arg("page")
        first = int(page.removeprefix("page_")) if page else start
        buckets = []
        for bucket_start in range(first, end, DAY_S):
            if len(buckets) == limit:
                break
            buckets.append(self._bucket(bucket_start, "model" in group_by))
        following = first + len(buckets) * DAY_S
        has_more = following < end
        return 200, {
            "object": "page",
            "data": buckets,
            "has_more": has_more,
            "next_page": f"page_{following}" if has_more else None,
        }

    def _bucket(self, start: int, by_model: bool) -> dict[str, Any]:
        sums: dict[str | None, dict[str, int]] = {}
        for at, model, counts in self.usage:
            if start <= at.timestamp() < start + DAY_S:
                row = sums.setdefault(model if by_model else None, dict.fromkeys(USAGE_KEYS, 0))
                for key in USAGE_KEYS:
                    row[key] += counts[key]
        results = [
            {
                "object": "organization.usage.completions.result",
                **counts,
                "project_id": None,
                "user_id": None,
                "api_key_id": None,
                "model": model,
                "batch": None,
                "service_tier": None,
            }
            for model, counts in sums.items()
        ]
        return {
            "object": "bucket",
            "start_time": start,
            "end_time": start + DAY_S,
            "results": results,
        }
