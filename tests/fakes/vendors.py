"""Fake OpenAI, Stripe and Resend APIs: routes answer with bodies in the official shapes."""

from __future__ import annotations

import copy
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


class FakeOpenAI(FakeUpstream):
    """OpenAI under `/v1`: models."""

    def __init__(self, models: tuple[str, ...] = ("gpt-4o-mini", "gpt-4o")) -> None:
        super().__init__(name="openai")
        self.models = list(models)
        self.route("GET", r"/v1/models")(self._list_models)
        self.route("GET", r"/v1/models/(?P<model>[^/]+)")(self._get_model)

    @property
    def base_url(self) -> str:
        return self.url + "/v1"

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


class FakeStripe(FakeUpstream):
    """Stripe under `/v1`: balance."""

    def __init__(self) -> None:
        super().__init__(name="stripe")
        self.route("GET", r"/v1/balance")(self._balance)

    def _balance(self, request: FakeRequest) -> Reply:
        return 200, copy.deepcopy(STRIPE_FIXTURES["balance"])

    def error_body(self, status: int, message: str) -> Any:
        error = {
            "type": "api_error" if status >= 500 else "invalid_request_error",
            "message": message,
        }
        if status in STRIPE_ERROR_CODES:
            error["code"] = STRIPE_ERROR_CODES[status]
        return {"error": error}


class FakeResend(FakeUpstream):
    """Resend: domains; `POST /emails` (sent e-mails are kept in `emails`)."""

    def __init__(self, domains: dict[str, str] | None = None) -> None:
        super().__init__(name="resend")
        self.domains = dict(domains or {"carbot.de": "verified"})
        self.emails: list[dict[str, Any]] = []
        self.route("GET", r"/domains")(self._domains)
        self.route("POST", r"/emails")(self._send_email)

    def reset(self) -> None:
        super().reset()
        self.emails.clear()

    def _send_email(self, request: FakeRequest) -> Reply:
        body = request.body if isinstance(request.body, dict) else {}
        missing = [k for k in ("from", "to", "subject") if not body.get(k)]
        if missing:
            return 422, {
                "statusCode": 422,
                "message": f"Missing `{missing[0]}` field.",
                "name": "missing_required_field",
            }
        self.emails.append(body)
        return 200, {"id": f"49a3999c-0ce1-4ea6-ab68-{len(self.emails):012d}"}

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
        return 200, {"object": "list", "has_more": False, "data": data}

    def error_body(self, status: int, message: str) -> Any:
        return {
            "statusCode": status,
            "message": message,
            "name": RESEND_ERROR_NAMES.get(status, "application_error"),
        }
