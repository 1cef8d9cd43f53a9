"""Days until the TLS certificate of a site expires, read from a real TLS handshake."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

X509_V_ERR_CERT_HAS_EXPIRED = 10


class TlsUnavailable(Exception):
    """No handshake happened (refused, timeout, not https): the expiry is unknown."""


@dataclass(frozen=True)
class CertificateStatus:
    """The leaf certificate's notAfter, and why it is not valid when it is not."""

    not_after: datetime
    invalid_reason: str | None = None

    def days_left(self, now: datetime) -> float:
        return (self.not_after - now).total_seconds() / 86400


def check_certificate(
    url: str, timeout: float = 3.0, context: ssl.SSLContext | None = None
) -> CertificateStatus:
    """Handshake with verification; an expired (or otherwise invalid) chain is read unverified.

    `context` defaults to the system trust store (tests pass one that trusts their own CA).
    """
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise TlsUnavailable("SITE_URL is not an https:// URL")
    host, port = parts.hostname, parts.port or 443
    verified = context or ssl.create_default_context()
    try:
        return CertificateStatus(_not_after(_peer_der(host, port, timeout, verified)))
    except ssl.SSLCertVerificationError as error:
        reason = (
            "certificate has expired"
            if error.verify_code == X509_V_ERR_CERT_HAS_EXPIRED
            else f"certificate not valid: {error.verify_message}"
        )
    unverified = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    return CertificateStatus(_not_after(_peer_der(host, port, timeout, unverified)), reason)


def _peer_der(host: str, port: int, timeout: float, context: ssl.SSLContext) -> bytes:
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as raw,
            context.wrap_socket(raw, server_hostname=host) as tls,
        ):
            der = tls.getpeercert(binary_form=True)
    except ssl.SSLCertVerificationError:
        raise
    except TimeoutError:
        raise TlsUnavailable("TLS handshake timed out") from None
    except ConnectionRefusedError:
        raise TlsUnavailable("connection refused") from None
    except (OSError, ssl.SSLError) as error:
        raise TlsUnavailable(f"TLS handshake failed ({type(error).__name__})") from None
    if not der:
        raise TlsUnavailable("no certificate presented")
    return der


def _not_after(der: bytes) -> datetime:
    """The leaf certificate's notAfter (RFC 5280), parsed by cryptography (imported here only)."""
    from cryptography import x509

    try:
        return x509.load_der_x509_certificate(der).not_valid_after_utc
    except ValueError:
        raise TlsUnavailable("certificate could not be parsed") from None
