"""Signed acknowledge links: HMAC-SHA256 (ACK_SECRET) over alert key, episode start and expiry.

A link acknowledges one episode of one alert key: the episode is its start (`since` of the row,
in microseconds since the epoch), so a re-fire after resolution needs a new link. It expires at
`exp` (ACK_LINK_TTL after the notification that carried it; reminders carry fresh ones) or when
the episode ends, whichever comes first (the endpoint checks the row). A GET only shows the
confirmation page; the page's POST acknowledges (mail scanners and chat unfurlers follow links).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from pydantic import BaseModel, HttpUrl, SecretStr
from pydantic_settings import SettingsConfigDict

from lib.core.config import Settings, SettingsSection

ACK_LINK_TTL = timedelta(days=7)
ACK_PATH = "/api/alerts/ack"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_KEY = 200


class AckSettings(SettingsSection):
    """ACK_SECRET signs the links; MONITOR_URL is this monitor's own public URL (not SITE_URL,
    which is CarBot's site). Without both, notifications carry no acknowledge link."""

    model_config = SettingsConfigDict(env_prefix="")

    ack_secret: SecretStr | None = None
    monitor_url: HttpUrl | None = None


class AckRefused(Exception):
    """A link that does not acknowledge: status and a sentence for the page."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class AckLink(BaseModel):
    """A verified link's claims."""

    key: str
    episode: datetime
    expires: datetime


def episode_micros(since: datetime) -> int:
    return (since.astimezone(UTC) - EPOCH) // timedelta(microseconds=1)


def _signature(secret: SecretStr, key: str, episode: int, expires: int) -> str:
    message = f"ack|{key}|{episode}|{expires}".encode()
    digest = hmac.new(secret.get_secret_value().encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def link_params(secret: SecretStr, key: str, since: datetime, now: datetime) -> dict[str, str]:
    episode = episode_micros(since)
    expires = int((now + ACK_LINK_TTL).timestamp())
    return {
        "key": key,
        "episode": str(episode),
        "exp": str(expires),
        "sig": _signature(secret, key, episode, expires),
    }


def ack_url(settings: Settings, key: str, since: datetime, now: datetime) -> str | None:
    """The acknowledge link of this episode, or None when ACK_SECRET or MONITOR_URL is unset."""
    config = settings.section(AckSettings)
    if config.ack_secret is None or config.monitor_url is None:
        return None
    base = str(config.monitor_url).rstrip("/")
    return f"{base}{ACK_PATH}?{urlencode(link_params(config.ack_secret, key, since, now))}"


def verify(settings: Settings, params: dict[str, str], now: datetime) -> AckLink:
    """The link's claims, or AckRefused: malformed 400, tampered 403, expired 410."""
    secret = settings.section(AckSettings).ack_secret
    if secret is None:
        raise AckRefused(503, "Acknowledge links are not set up here (ACK_SECRET is unset).")
    key, episode, expires, sig = (params.get(n, "") for n in ("key", "episode", "exp", "sig"))
    if not key or len(key) > MAX_KEY or not episode.isdigit() or not expires.isdigit() or not sig:
        raise AckRefused(400, "This acknowledge link is incomplete. Open the link from the alert.")
    if len(episode) > 20 or len(expires) > 12:
        raise AckRefused(400, "This acknowledge link is malformed.")
    expected = _signature(secret, key, int(episode), int(expires))
    if not hmac.compare_digest(expected.encode(), sig.encode()):
        raise AckRefused(403, "This acknowledge link is not valid (it was changed or is not ours).")
    if int(expires) < now.timestamp():
        raise AckRefused(410, "This acknowledge link has expired. Use the newest alert's link.")
    return AckLink(
        key=key,
        episode=EPOCH + timedelta(microseconds=int(episode)),
        expires=datetime.fromtimestamp(int(expires), UTC),
    )
