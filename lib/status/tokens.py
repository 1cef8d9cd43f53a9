"""Signed links of subscriber mails (confirm, manage) and the secrets of webhook subscriptions.

Nothing is stored for them: a token is `<purpose letter><subscriber id>.<HMAC>` over the
purpose, id and address with STATUS_SECRET, so a new subscription (new id) voids old links."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Literal

from pydantic import SecretStr

Purpose = Literal["confirm", "manage"]


def _mac(secret: SecretStr, text: str) -> bytes:
    return hmac.new(secret.get_secret_value().encode(), text.encode(), hashlib.sha256).digest()


def sign(secret: SecretStr, purpose: Purpose, subscriber_id: int, address: str) -> str:
    digest = _mac(secret, f"{purpose}:{subscriber_id}:{address}")
    return f"{purpose[0]}{subscriber_id}.{base64.urlsafe_b64encode(digest).decode()[:32]}"


def token_id(purpose: Purpose, token: str) -> int | None:
    """The subscriber id a token names (not yet verified), or None when it is malformed."""
    head, dot, _ = token.partition(".")
    if not dot or len(token) > 80 or head[:1] != purpose[0] or not head[1:].isdigit():
        return None
    return int(head[1:])


def verify(secret: SecretStr, purpose: Purpose, token: str, address: str) -> bool:
    subscriber_id = token_id(purpose, token)
    if subscriber_id is None:
        return False
    expected = sign(secret, purpose, subscriber_id, address)
    return hmac.compare_digest(expected.encode(), token.encode())


def webhook_secret(secret: SecretStr, subscriber_id: int, url: str) -> str:
    """The key a webhook subscriber verifies our signature with (shown once, when created)."""
    return "whsec_" + base64.b64encode(_mac(secret, f"webhook:{subscriber_id}:{url}")).decode()


def keyed_hash(secret: SecretStr, text: str) -> str:
    """A rate-limit key that names no address or network in the store."""
    return base64.urlsafe_b64encode(_mac(secret, f"rate:{text}")).decode()[:32]
