"""Resend's webhook events (bounces and complaints remove the address), signed the Svix way.

Resend signs with Svix (https://resend.com/docs/webhooks/verify-webhooks-requests): headers
`svix-id`, `svix-timestamp` (Unix seconds), `svix-signature` (space-separated `v1,<base64>`);
the signed content is `<id>.<timestamp>.<raw body>`, HMAC-SHA256 keyed with the base64 part of
the `whsec_` secret (https://docs.svix.com/receiving/verifying-payloads/how-manual). Events:
https://resend.com/docs/dashboard/webhooks/event-types."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import Any

from pydantic import BaseModel, ConfigDict

TOLERANCE_S = 300  # Svix's libraries refuse timestamps more than 5 minutes off
REMOVING = ("email.bounced", "email.complained")


class ResendEvent(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    created_at: str
    data: dict[str, Any]

    def addresses(self) -> list[str]:
        to = self.data.get("to") or []
        items = [to] if isinstance(to, str) else to
        return [a.strip().lower() for a in items if isinstance(a, str) and "@" in a][:50]


def svix_signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def verified(secret: str, headers: dict[str, str], body: bytes, now: float) -> bool:
    msg_id = headers.get("svix-id", "")
    timestamp = headers.get("svix-timestamp", "")
    if not msg_id or not timestamp.isdigit() or abs(now - int(timestamp)) > TOLERANCE_S:
        return False
    try:
        expected = svix_signature(secret, msg_id, timestamp, body)
    except (binascii.Error, ValueError):
        return False
    offered = headers.get("svix-signature", "").split()
    return any(hmac.compare_digest(expected.encode(), o.encode()) for o in offered)
