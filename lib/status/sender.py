"""Talking to Resend for subscriber mail: `POST /emails/batch` (up to 100 per call) paced under
Resend's rate limit, `POST /emails` for a confirmation; signed webhook deliveries.

Limits (https://resend.com/docs/api-reference/rate-limit, /introduction#rate-limit): "The default
maximum rate limit is 2 requests per second per team" (the page now says 5; we keep 2, which is
safe under both); a batch counts as one request and holds at most 100 e-mails
(https://resend.com/docs/api-reference/emails/send-batch-emails)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

from pydantic import SecretStr

from lib.core.errors import NotifyError
from lib.notify import post_once

BATCH_MAX = 100
REQUESTS_PER_S = 2.0
SEND_TIMEOUT_S = 10.0
SIGNATURE_HEADER = "X-CarBot-Signature"


class Pacer:
    """At most REQUESTS_PER_S calls per second (monotonic clock; `sleep` injectable for tests)."""

    def __init__(
        self, per_second: float = REQUESTS_PER_S, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.gap = 1.0 / per_second
        self.sleep = sleep
        self.last: float | None = None
        self.waited = 0.0

    def wait(self) -> None:
        now = time.monotonic()
        if self.last is not None and now - self.last < self.gap:
            pause = self.gap - (now - self.last)
            self.waited += pause
            self.sleep(pause)
        self.last = time.monotonic()


def _post(url: str, body: Any, headers: dict[str, str]) -> Any:
    content = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", **headers}
    response = post_once("", url, headers, SEND_TIMEOUT_S, content=content)
    if response.status_code >= 300:
        raise NotifyError(f"answered {response.status_code}")
    return response


class ResendSender:
    """Resend's e-mail API with the account's key (RESEND_API_KEY)."""

    def __init__(self, api_url: str, key: SecretStr, pacer: Pacer | None = None) -> None:
        self.base = api_url.rstrip("/")
        self.key = key
        self.pacer = pacer or Pacer()
        self.requests = 0

    def _headers(self, idempotency_key: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.key.get_secret_value()}",
            "Idempotency-Key": idempotency_key[:256],
        }

    def send_batch(self, emails: list[dict[str, Any]], idempotency_key: str) -> None:
        assert 0 < len(emails) <= BATCH_MAX
        self.pacer.wait()
        self.requests += 1
        try:
            _post(self.base + "/emails/batch", emails, self._headers(idempotency_key))
        except NotifyError as error:
            raise NotifyError(f"resend batch: {error.reason}") from None

    def send_one(self, email: dict[str, Any], idempotency_key: str) -> None:
        self.pacer.wait()
        self.requests += 1
        try:
            _post(self.base + "/emails", email, self._headers(idempotency_key))
        except NotifyError as error:
            raise NotifyError(f"resend: {error.reason}") from None


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (docs/status.md)."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def post_webhook(url: str, secret: str, body: dict[str, Any], delivery_id: str) -> None:
    raw = json.dumps(body, separators=(",", ":")).encode()
    headers = {
        SIGNATURE_HEADER: signature(secret, int(time.time()), raw),
        "Idempotency-Key": delivery_id,
    }
    headers = {"Content-Type": "application/json", **headers}
    response = post_once("webhook", url, headers, 5.0, content=raw)
    if response.status_code >= 300:
        raise NotifyError(f"webhook answered {response.status_code}")
