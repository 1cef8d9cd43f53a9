"""TLS certificate expiry from real handshakes with certificates generated here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from lib.alerts.rules import RuleContext, TlsExpiry
from lib.alerts.tls import TlsUnavailable, check_certificate
from lib.local.localpg import free_port
from lib.store import Store
from tests.alerting import settings_for
from tests.tls_server import LocalCA, TlsServer

DAY = timedelta(days=1)
NOW = datetime.now(UTC)  # verification uses the real clock, so the certificates are real-time


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> LocalCA:
    return LocalCA(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def serve(ca: LocalCA) -> Iterator[Callable[[str, timedelta], TlsServer]]:
    """Start a TLS server whose certificate expires `left` from now."""
    servers: list[TlsServer] = []

    def start(name: str, left: timedelta) -> TlsServer:
        server = TlsServer(ca.issue(name, NOW + left))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def observe(url: str, ca: LocalCA | None) -> tuple[str, float | None, str]:
    rule = TlsExpiry(threshold=14.0, severity="warning")
    settings = settings_for("postgresql://unused@127.0.0.1/x", site_url=url)
    store = Store(transport=None)  # type: ignore[arg-type] - the rule does not touch the store
    ctx = RuleContext(store, settings, NOW, ssl_context=ca.client_context() if ca else None)
    (found,) = rule.observe(ctx)
    return found.state, found.value, found.message


def test_valid_certificate_is_read_from_the_handshake(ca: LocalCA, serve: Callable) -> None:
    server = serve("valid", 60 * DAY)
    status = check_certificate(server.url, context=ca.client_context())
    assert status.invalid_reason is None
    assert abs(status.days_left(NOW) - 60) < 0.01
    assert observe(server.url, ca)[0] == "ok"


def test_expired_certificate_fires_with_its_date(ca: LocalCA, serve: Callable) -> None:
    server = serve("expired", -3 * DAY)
    state, value, message = observe(server.url, ca)
    assert state == "firing" and value is not None and -3.01 < value < -2.99
    assert message.startswith("certificate has expired (expires ")


def test_near_expiry_certificate_fires(ca: LocalCA, serve: Callable) -> None:
    state, value, message = observe(serve("near", 5 * DAY).url, ca)
    assert state == "firing" and value is not None and 4.99 < value < 5.01
    assert "5.0 days" in message


@pytest.mark.parametrize(("left_hours", "state"), [(14 * 24 - 1, "firing"), (14 * 24 + 1, "ok")])
def test_threshold_14_days(ca: LocalCA, serve: Callable, left_hours: int, state: str) -> None:
    assert observe(serve(f"edge{left_hours}", timedelta(hours=left_hours)).url, ca)[0] == state


def test_untrusted_certificate_fires(serve: Callable) -> None:
    state, value, message = observe(serve("untrusted", 60 * DAY).url, None)
    assert state == "firing" and value is not None and value > 59
    assert message.startswith("certificate not valid: ")


def test_unreachable_site_is_unknown() -> None:
    url = f"https://127.0.0.1:{free_port()}/"
    assert observe(url, None)[:2] == ("unknown", None)
    with pytest.raises(TlsUnavailable, match="connection refused"):
        check_certificate(url)
    with pytest.raises(TlsUnavailable, match="not an https"):
        check_certificate("http://127.0.0.1/")


def test_not_configured_without_site_url() -> None:
    rule = TlsExpiry(threshold=14.0, severity="warning")
    settings = settings_for("postgresql://unused@127.0.0.1/x")
    ctx = RuleContext(Store(transport=None), settings, NOW)  # type: ignore[arg-type]
    assert rule.observe(ctx)[0].state == "not_configured"
