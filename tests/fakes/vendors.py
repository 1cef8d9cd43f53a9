"""Fake OpenAI, Stripe and Resend APIs: routes answer with bodies in the official shapes."""

from __future__ import annotations

import copy
import threading
import time
from typing import Any

from tests.fakes import FakeRequest, FakeUpstream, Reply, load_json

STRIPE_FIXTURES = load_json("stripe-fixtures.spec-2023-09-12.json")["resources"]

OPENAI_ERROR_TYPES = {401: "invalid_request_error", 403: "invalid_request_error", 429: "requests"}
# Stripe reports rate limiting as an invalid_request_error with code "rate_limit".
STRIPE_ERROR_CODES = {401: "api_key_invalid", 403: "secret_key_required", 429: "rate_limit"}
RESEND_ERROR_NAMES = {
    401: "missing_api_key",
    403: "invalid_api_key",
    404: "not_found",
    429: "rate_limit_exceeded",
    500: "internal_server_error",
}


def stripe_page(items: list[dict[str, Any]], request: FakeRequest, url: str) -> dict[str, Any]:
    """Stripe's cursor pagination: `limit` (default 10, at most 100) after `starting_after`."""
    limit = min(int(request.arg("limit", "10") or 10), 100)
    after = request.arg("starting_after")
    start = 0
    if after is not None:
        start = next((i + 1 for i, item in enumerate(items) if item["id"] == after), len(items))
    page = items[start : start + limit]
    return {"object": "list", "data": page, "has_more": start + limit < len(items), "url": url}


class FakeOpenAI(FakeUpstream):
    """OpenAI under `/v1`: models."""

    def __init__(self, models: tuple[str, ...] = ("gpt-4o-mini", "gpt-4o")) -> None:
        super().__init__(name="openai")
        self._initial = tuple(models)
        self.models = list(models)
        self.route("GET", r"/v1/models")(self._list_models)
        self.route("GET", r"/v1/models/(?P<model>[^/]+)")(self._get_model)

    @property
    def base_url(self) -> str:
        return self.url + "/v1"

    def reset(self) -> None:
        super().reset()
        self.models = list(self._initial)

    @staticmethod
    def model_body(model: str) -> dict[str, Any]:
        return {"id": model, "object": "model", "created": 1686935002, "owned_by": "openai"}

    def _list_models(self, request: FakeRequest) -> Reply:
        return 200, {"object": "list", "data": [self.model_body(m) for m in self.models]}

    def _get_model(self, request: FakeRequest, model: str) -> Reply:
        if model not in self.models:
            return 404, self.error_body(404, f"The model '{model}' does not exist")
        return 200, self.model_body(model)

    def error_body(self, status: int, message: str) -> Any:
        return {
            "error": {
                "message": message,
                "type": OPENAI_ERROR_TYPES.get(status, "server_error"),
                "param": None,
                "code": "invalid_api_key" if status == 401 else None,
            }
        }


EVENTS_LISTED_S = 30 * 86400


class FakeStripe(FakeUpstream):
    """Stripe under `/v1`: balance, webhook endpoints, events (filters and cursor pagination)."""

    DEFAULT_ENDPOINTS = (("https://carbot.de/api/stripe/webhook", "enabled"),)

    def __init__(self) -> None:
        super().__init__(name="stripe")
        self.webhook_endpoints: list[tuple[str, str]] = list(self.DEFAULT_ENDPOINTS)
        self.events: list[dict[str, Any]] = []
        self.events_delay_s = 0.0  # extra time per page of `/v1/events` only
        self.route("GET", r"/v1/balance")(self._balance)
        self.route("GET", r"/v1/webhook_endpoints")(self._webhook_endpoints)
        self.route("GET", r"/v1/events")(self._events)

    def reset(self) -> None:
        super().reset()
        self.webhook_endpoints = list(self.DEFAULT_ENDPOINTS)
        self.events = []
        self.events_delay_s = 0.0

    def add_events(
        self, count: int, *, failed: bool, pending_webhooks: int = 0, age_s: int = 60
    ) -> None:
        """`count` events, newest first as Stripe lists them, `age_s` seconds old or older."""
        now = int(time.time())
        for _ in range(count):
            event = copy.deepcopy(STRIPE_FIXTURES["event"])
            event["id"] = f"evt_fake{len(self.events):08d}"
            event["created"] = now - age_s - len(self.events)
            event["pending_webhooks"] = pending_webhooks
            event["_delivered"] = not failed
            self.events.append(event)

    def _balance(self, request: FakeRequest) -> Reply:
        return 200, copy.deepcopy(STRIPE_FIXTURES["balance"])

    def _webhook_endpoints(self, request: FakeRequest) -> Reply:
        endpoints = []
        for index, (url, status) in enumerate(self.webhook_endpoints):
            endpoint = copy.deepcopy(STRIPE_FIXTURES["webhook_endpoint"])
            endpoint.update(id=f"we_fake{index:08d}", url=url, status=status)
            endpoints.append(endpoint)
        return 200, stripe_page(endpoints, request, "/v1/webhook_endpoints")

    def _events(self, request: FakeRequest) -> Reply:
        time.sleep(self.events_delay_s)
        # "List events, going back up to 30 days" (https://docs.stripe.com/api/events/list).
        events = [e for e in self.events if e["created"] >= time.time() - EVENTS_LISTED_S]
        success = request.arg("delivery_success")
        if success is not None:
            events = [e for e in events if e["_delivered"] == (success == "true")]
        kind = request.arg("type")
        if kind is not None:
            events = [e for e in events if e["type"] == kind]
        for op, keep in (("gte", int.__ge__), ("gt", int.__gt__), ("lt", int.__lt__)):
            bound = request.arg(f"created[{op}]")
            if bound is not None:
                events = [e for e in events if keep(e["created"], int(bound))]
        public = [{k: v for k, v in e.items() if not k.startswith("_")} for e in events]
        return 200, stripe_page(public, request, "/v1/events")

    def error_body(self, status: int, message: str) -> Any:
        error = {
            "type": "api_error" if status >= 500 else "invalid_request_error",
            "message": message,
        }
        if status in STRIPE_ERROR_CODES:
            error["code"] = STRIPE_ERROR_CODES[status]
        return {"error": error}


class FakeResend(FakeUpstream):
    """Resend: domains (`limit` default 20, at most 100; `after`), `POST /emails` and
    `POST /emails/batch` (kept; bodies validated against SendEmailRequest of the OpenAPI file,
    tests/specs/resend-openapi.trimmed.json; a batch holds at most 100 e-mails and no
    `attachments` or `scheduled_at`, https://resend.com/docs/api-reference/emails/send-batch-emails).
    """

    def __init__(self, domains: dict[str, str] | None = None) -> None:
        super().__init__(name="resend")
        self._initial = dict(domains or {"carbot.de": "verified"})
        self.domains = dict(self._initial)
        self.emails: list[dict[str, Any]] = []
        # Idempotency-Key -> (payload, answer): Resend sends a key's e-mail once in 24 h and
        # answers a repeat with the first answer; the same key with another payload is a 409.
        self.idempotent: dict[str, tuple[Any, dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.route("GET", r"/domains")(self._domains)
        self.route("POST", r"/emails")(self._send_email)
        self.route("POST", r"/emails/batch")(self._send_batch)
        self.batches: list[list[dict[str, Any]]] = []
        self.violations: list[str] = []  # requests outside the API description

    def _invalid(self, body: Any) -> str | None:
        """Why `body` is no SendEmailRequest of the spec (None when it is one)."""
        from jsonschema import ValidationError

        from tests.fakes.shapes import validate

        try:
            validate("resend", {"$ref": "#/components/schemas/SendEmailRequest"}, body)
        except ValidationError as error:
            return error.message[:200]
        return None

    def _send_batch(self, request: FakeRequest) -> Reply:
        body = request.body
        problem = None
        if not isinstance(body, list) or not 1 <= len(body) <= 100:
            problem = "a batch is a JSON array of 1 to 100 e-mails"
        else:
            for item in body:
                problem = problem or self._invalid(item)
                if isinstance(item, dict) and ({"attachments", "scheduled_at"} & set(item)):
                    problem = problem or "attachments and scheduled_at are not supported in batch"
        if problem is not None:
            self.violations.append(problem)
            return 422, {"statusCode": 422, "message": problem, "name": "validation_error"}
        key = request.headers.get("idempotency-key")
        with self._lock:
            if key is not None and key in self.idempotent:
                payload, answer = self.idempotent[key]
                if payload != body:
                    return 409, {
                        "statusCode": 409,
                        "message": "Same idempotency key used with a different request payload.",
                        "name": "invalid_idempotent_request",
                    }
                return 200, answer
            self.batches.append(body)
            ids = []
            for item in body:
                self.emails.append(item)
                ids.append({"id": f"49a3999c-0ce1-4ea6-ab68-{len(self.emails):012d}"})
            answer = {"data": ids}
            if key is not None:
                self.idempotent[key] = (body, answer)
        return 200, answer

    def _send_email(self, request: FakeRequest) -> Reply:
        body = request.body if isinstance(request.body, dict) else {}
        missing = [k for k in ("from", "to", "subject") if not body.get(k)]
        if missing:
            return 422, {
                "statusCode": 422,
                "message": f"Missing `{missing[0]}` field.",
                "name": "missing_required_field",
            }
        problem = self._invalid(body)
        if problem is not None:
            self.violations.append(problem)
            return 422, {"statusCode": 422, "message": problem, "name": "validation_error"}
        key = request.headers.get("idempotency-key")
        with self._lock:
            if key is not None and key in self.idempotent:
                payload, answer = self.idempotent[key]
                if payload != body:
                    return 409, {
                        "statusCode": 409,
                        "message": "Same idempotency key used with a different request payload.",
                        "name": "invalid_idempotent_request",
                    }
                return 200, answer
            self.emails.append(body)
            answer = {"id": f"49a3999c-0ce1-4ea6-ab68-{len(self.emails):012d}"}
            if key is not None:
                self.idempotent[key] = (body, answer)
        return 200, answer

    def reset(self) -> None:
        super().reset()
        self.domains = dict(self._initial)
        self.emails.clear()
        self.idempotent.clear()
        self.batches.clear()
        self.violations.clear()

    def _domains(self, request: FakeRequest) -> Reply:
        data = [
            {
                "id": f"d91cd9bd-1176-453e-8fc1-{index:012d}",
                "name": name,
                "status": status,
                "created_at": "2023-04-26 20:21:26.347412+00",
                "region": "eu-west-1",
            }
            for index, (name, status) in enumerate(self.domains.items())
        ]
        limit = min(int(request.arg("limit", "20") or 20), 100)
        after = request.arg("after")
        start = 0
        if after is not None:
            start = next((i + 1 for i, d in enumerate(data) if d["id"] == after), len(data))
        page = data[start : start + limit]
        return 200, {"object": "list", "has_more": start + limit < len(data), "data": page}

    def error_body(self, status: int, message: str) -> Any:
        return {
            "statusCode": status,
            "message": message,
            "name": RESEND_ERROR_NAMES.get(status, "application_error"),
        }
