"""Fake Supabase Realtime behind its gateway: `GET /realtime/v1/api/ping` as Kong answers it."""

from __future__ import annotations

from typing import Any

from tests.fakes import FakeRequest, FakeUpstream, Reply

# The body shapes, from supabase/realtime `lib/realtime_web/controllers/ping_controller.ex`
# (`json(conn, %{message: "Success"})`) and `plugs/assign_tenant.ex` (401 `%{message: ...}`);
# Kong's key-auth plugin answers 401 `{"message": "No API key found in request"}` or
# `{"message": "Invalid authentication credentials"}`. There is no OpenAPI document for them.
MESSAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"message": {"type": "string"}},
    "required": ["message"],
    "additionalProperties": False,
}


class FakeRealtime(FakeUpstream):
    """A Supabase project URL whose Realtime answers the ping for one known key."""

    def __init__(self, key: str) -> None:
        super().__init__(name="realtime")
        self.key = key
        self.tenant_known = True
        self.empty_body = False
        self.route("GET", r"/realtime/v1/api/ping")(self._ping)

    def reset(self) -> None:
        super().reset()
        self.tenant_known = True
        self.empty_body = False

    def _ping(self, request: FakeRequest) -> Reply:
        apikey = request.headers.get("apikey")
        if apikey is None:
            return 401, {"message": "No API key found in request"}
        if apikey != self.key:
            return 401, {"message": "Invalid authentication credentials"}
        if not self.tenant_known:
            return 401, {"message": "Tenant not found in host"}
        if self.empty_body:
            return 200, {}
        return 200, {"message": "Success"}

    def error_body(self, status: int, message: str) -> Any:
        return {"message": message}
