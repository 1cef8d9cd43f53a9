"""A webhook receiver on 127.0.0.1 (Slack-style incoming webhook): records payloads, can fail."""

from __future__ import annotations

import threading
from typing import Any

from tests.fakes import FakeRequest, FakeUpstream, Reply


class FakeWebhook(FakeUpstream):
    """`POST /hook/<token>` answers 200 `{"ok": true}`; fault modes as every fake (e.g. "500").

    `payloads` holds each delivery once per `Idempotency-Key` header (as a receiver that honours
    it); `requests` keeps every POST as it arrived.
    """

    TOKEN = "T000-hook-token"

    def __init__(self) -> None:
        super().__init__(name="webhook")
        self.payloads: list[dict[str, Any]] = []
        self.keys: set[str] = set()
        self._lock = threading.Lock()
        self.route("POST", r"/hook/[A-Za-z0-9-]+")(self._receive)

    @property
    def hook_url(self) -> str:
        return f"{self.url}/hook/{self.TOKEN}"

    def reset(self) -> None:
        super().reset()
        self.payloads.clear()
        self.keys.clear()

    def _receive(self, request: FakeRequest) -> Reply:
        key = request.headers.get("idempotency-key")
        with self._lock:
            if key is None or key not in self.keys:
                self.payloads.append(request.body)
            if key is not None:
                self.keys.add(key)
        return 200, {"ok": True}
