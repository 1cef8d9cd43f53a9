"""The base of the chat and paging fakes: non-JSON answers and the vendor's own 429."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from tests.fakes import FakeRequest, FakeUpstream


@dataclass
class Raw:
    """A non-JSON answer body (Slack's `ok`, an empty 202/204)."""

    body: bytes = b""
    content_type: str = "text/plain"


class VendorFake(FakeUpstream):
    """Routes may answer Raw; `throttle` answers that many requests with the vendor's 429
    (waiting `retry_after` seconds) before answering normally; `accepted` keeps valid ones."""

    def __init__(self, name: str) -> None:
        super().__init__(name=name)
        self.throttle = 0
        self.retry_after: float = 1
        self.accepted: list[Any] = []
        self.rejected: list[str] = []

    def reset(self) -> None:
        super().reset()
        self.throttle = 0
        self.retry_after = 1
        self.accepted.clear()
        self.rejected.clear()

    def too_many(self) -> tuple[int, Any]:
        return 429, Raw(b"rate_limited")

    def extra_headers(self, status: int) -> dict[str, str]:
        return {"Retry-After": f"{self.retry_after:g}"} if status == 429 else {}

    def _dispatch(self, request: FakeRequest) -> tuple[int, bytes, str]:
        if self.mode == "429" or self.throttle > 0:
            self.throttle = max(0, self.throttle - 1)
            return _encode(*self.too_many())
        if self.mode != "ok":
            return super()._dispatch(request)
        if self.delay_s:
            time.sleep(self.delay_s)
        for method, pattern, func in self.routes:
            match = pattern.match(request.path)
            if method == request.method and match:
                return _encode(*func(request, **match.groupdict()))
        return _encode(404, Raw(b"no_service"))


def _encode(status: int, payload: Any) -> tuple[int, bytes, str]:
    if isinstance(payload, Raw):
        return status, payload.body, payload.content_type
    return status, json.dumps(payload).encode(), "application/json"
