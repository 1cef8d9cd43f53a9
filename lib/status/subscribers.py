"""Subscribing: the form's request, abuse bounds, the confirmation mail, and the signed links."""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from lib.core.components import ComponentId
from lib.status.mail import confirmation_letter
from lib.status.sender import ResendSender
from lib.status.store import delete_subscriber, rate_hit, subscribe_pending, subscriber
from lib.status.tokens import keyed_hash, sign, token_id, verify
from lib.store import Store

# A pragmatic address check (one @, a dotted domain, no spaces or angle brackets); the
# confirmation mail is the real test.
_ADDRESS = re.compile(
    r"^[^@\s<>()\[\],;:\"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,63}$"
)

RATE_WINDOW_S = 3600
PER_ADDRESS = 3  # subscribe attempts per address and hour
PER_NETWORK = 20  # per client network (/24 or /48) and hour


class SubscribeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254)
    components: list[ComponentId] | None = Field(None, max_length=20)
    language: Literal["de", "en"] = "de"

    @field_validator("email")
    @classmethod
    def _address(cls, value: str) -> str:
        value = value.strip()
        if not _ADDRESS.match(value):
            raise ValueError("not a valid e-mail address")
        return value.lower()


class WebhookRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    webhook: str = Field(max_length=2048, pattern=r"^https?://[^\s]+$")
    components: list[ComponentId] | None = Field(None, max_length=20)


class Preferences(BaseModel):
    model_config = ConfigDict(extra="forbid")

    components: list[ComponentId] | None = Field(None, max_length=20)
    language: Literal["de", "en"] = "de"


def client_network(forwarded_for: str | None, fallback: str | None) -> str:
    """The client's /24 (IPv4) or /48 (IPv6) network; the first X-Forwarded-For entry is the
    client as Vercel's edge saw it."""
    candidate = (forwarded_for or "").split(",")[0].strip() or (fallback or "")
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return "unknown"
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def over_limits(db: Store, secret: SecretStr, email: str, network: str, now: datetime) -> bool:
    keys = {
        "a:" + keyed_hash(secret, email): PER_ADDRESS,
        "n:" + keyed_hash(secret, network): PER_NETWORK,
    }
    return rate_hit(db, keys, now, RATE_WINDOW_S)


def subscribe(
    db: Store,
    request: SubscribeRequest,
    secret: SecretStr,
    sender: ResendSender | None,
    sender_address: str | None,
    base_url: str,
    now: datetime,
) -> bool:
    """Store the pending address; send the confirmation when allowed. True when a mail went."""
    row = subscribe_pending(db, request.email, request.language, request.components, now)
    if not row or not row["send"] or sender is None or not sender_address:
        return False
    token = sign(secret, "confirm", row["id"], request.email)
    letter = confirmation_letter(
        request.language, f"{base_url}/api/subscriptions/confirm?token={token}"
    )
    sender.send_one(
        {
            "from": sender_address,
            "to": [request.email],
            "subject": letter.subject,
            "text": letter.text,
            "html": letter.html,
            "tags": [{"name": "category", "value": "status-confirmation"}],
        },
        f"carbot-status-confirm-{row['id']}-{now:%Y%m%d}",
    )
    return True


def subscriber_for(
    db: Store, secret: SecretStr, purpose: Literal["confirm", "manage"], token: str
) -> dict[str, Any] | None:
    """The e-mail subscriber a signed link names, or None (unknown, altered or outdated)."""
    subscriber_id = token_id(purpose, token)
    if subscriber_id is None:
        return None
    row = subscriber(db, subscriber_id)
    if not row or not row.get("email") or not verify(secret, purpose, token, row["email"]):
        return None
    return row


def unsubscribe(db: Store, *, subscriber_id: int = 0, email: str | None = None) -> int:
    """Delete a subscriber by id (their unsubscribe link) or by address (a bounce or a
    complaint); how many rows went."""
    return delete_subscriber(db, subscriber_id, email)
