"""A webhook receiver on 127.0.0.1 (Slack-style incoming webhook): records payloads, can fail."""

from __future__ import annotations

from typing import Any

from tests.fakes import FakeRequest, FakeUpstream, Reply


class FakeWebhook(FakeUpstream):
    """`POST /hook/<token>` answers 200 `{"ok": true}`; fault modes as every fake (e.g. "500")."""

    TOKEN = "T000-hook-token"

    def __init__(self) -> None:
        super().__init__(name="webhook")
        self.payloads: list[dict[str, Any]] = []
        self.route("POST", r"/hook/[A-Za-z0-9-]+")(self._receive)

    @property
    def hook_url(self) -> str:
        return f"{self.url}/hook/{self.TOKEN}"

    def reset(self) -> None:
        super().reset()
        self.payloads.clear()

    def _receive(self, request: FakeRequest) -> Reply:
        self.payloads.append(request.body)
        return 200, {"ok": True}
