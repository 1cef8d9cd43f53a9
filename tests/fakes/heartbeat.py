"""A healthchecks.io-style ping receiver on 127.0.0.1: records success and failure pings.

Shape from Healthchecks.io's own pages: "Pinging API" (https://healthchecks.io/docs/http_api/):
`GET /ping/<uuid>` signals success and answers 200 with the body "OK"; "Signaling failures"
(https://healthchecks.io/docs/signaling_failures/): append `/fail` to signal a failure.
"""

from __future__ import annotations

import re

from tests.fakes import FakeRequest, FakeUpstream

_PING = re.compile(r"^/ping/(?P<uuid>[0-9a-f-]{36})(?P<fail>/fail)?$")


class FakeHeartbeat(FakeUpstream):
    """Records "success" / "fail" per ping; fault modes as every fake (e.g. "hang", "500")."""

    UUID = "5bf66975-d4c7-4bf5-bcc8-b8d8a82ea278"

    def __init__(self) -> None:
        super().__init__(name="heartbeat")
        self.pings: list[str] = []

    @property
    def ping_url(self) -> str:
        return f"{self.url}/ping/{self.UUID}"

    def reset(self) -> None:
        super().reset()
        self.pings.clear()

    def _dispatch(self, request: FakeRequest) -> tuple[int, bytes, str]:
        match = _PING.match(request.path)
        if self.mode != "ok" or match is None or request.method not in ("GET", "HEAD", "POST"):
            return super()._dispatch(request)
        self.pings.append("fail" if match.group("fail") else "success")
        return 200, b"OK", "text/plain; charset=utf-8"
