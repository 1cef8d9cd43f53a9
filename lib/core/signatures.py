"""Vercel's `x-vercel-signature`: hex HMAC-SHA1 of the raw body, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac


def vercel_signature_valid(secret: str, body: bytes, signature: str | None) -> bool:
    """Webhooks and drains sign alike ("Drains security", "Webhooks" in Vercel's docs)."""
    if not signature:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.strip().lower().encode())


def sign(secret: str, body: bytes) -> str:
    """The signature Vercel would send (tests and local tools)."""
    return hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
