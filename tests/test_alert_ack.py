"""Acknowledging alerts: the signed link (refused when tampered, expired, for another episode, or
by GET alone) and the API, over real HTTP through the dev server and real PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from pydantic import SecretStr

from lib.alerts.ack_link import ACK_LINK_TTL, AckRefused, ack_url, link_params, verify
from lib.core.config import load_settings
from lib.store import AlertEvent
from tests.alerting import open_store, seed_episode
from tests.conftest import SECRETS, DevServer, assert_no_secret

KEY = "service_unresponsive:database"
ACK_SECRET = "ack-secret-SECRET-0009"
TOKEN = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
NOW = datetime.now(UTC).replace(microsecond=0)
START = NOW - timedelta(minutes=10, microseconds=123457)  # microseconds survive the round trip
SETTINGS = load_settings(ack_secret=ACK_SECRET, monitor_url="https://monitor.carbot.de")


def params(since: datetime = START, at: datetime = NOW, key: str = KEY) -> dict[str, str]:
    return link_params(SecretStr(ACK_SECRET), key, since, at)


def test_link_carries_key_episode_expiry_and_verifies() -> None:
    url = ack_url(SETTINGS, KEY, START, NOW)
    assert url is not None and url.startswith("https://monitor.carbot.de/api/alerts/ack?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    link = verify(SETTINGS, query, NOW)
    assert (link.key, link.episode, link.expires) == (KEY, START, NOW + ACK_LINK_TTL)
    assert ack_url(load_settings(ack_secret=ACK_SECRET), KEY, START, NOW) is None  # no base URL


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"key": "service_unresponsive:stripe"}, 403),  # another alert: the signature breaks
        ({"episode": "1"}, 403),  # another episode, unsigned
        ({"exp": str(int((NOW + timedelta(days=30)).timestamp()))}, 403),  # expiry stretched
        ({"sig": "A" * 43}, 403),
        ({"sig": ""}, 400),
        ({"episode": "x"}, 400),
    ],
)
def test_tampered_link_is_refused(change: dict[str, str], status: int) -> None:
    with pytest.raises(AckRefused) as refused:
        verify(SETTINGS, {**params(), **change}, NOW)
    assert refused.value.status == status


def test_expired_link_is_refused() -> None:
    with pytest.raises(AckRefused) as refused:
        verify(SETTINGS, params(), NOW + ACK_LINK_TTL + timedelta(seconds=1))
    assert refused.value.status == 410


@pytest.fixture(scope="module")
def server(module_db: str) -> Iterator[DevServer]:
    env = {
        "DATABASE_URL": module_db,
        "HEALTH_TOKEN": SECRETS["HEALTH_TOKEN"],
        "ACK_SECRET": ACK_SECRET,
        "MONITOR_URL": "https://monitor.carbot.de",
        "VERCEL_ENV": "production",
    }
    dev = DevServer(env)
    yield dev
    assert_no_secret(dev.close())


@pytest.fixture
def firing(server: DevServer, clean_module_db: str) -> str:
    """A firing episode begun at START (its first page went out) in a fresh database."""
    with open_store(clean_module_db) as store:
        seed_episode(store, KEY, START, threshold=60, level=1, severity="critical")
    return clean_module_db


def page(server: DevServer, method: str, query: dict[str, str], **kw: object) -> httpx.Response:
    return server.request(method, f"/api/alerts/ack?{urlencode(query)}", **kw)


def test_link_page_get_changes_nothing_and_its_post_acknowledges(
    server: DevServer, firing: str
) -> None:
    shown = page(server, "GET", params())
    assert shown.status_code == 200 and shown.headers["content-type"].startswith("text/html")
    assert (
        "<form method='post'" in shown.text
        and "form-action 'self'" in shown.headers["content-security-policy"]
    )
    assert page(server, "HEAD", params()).status_code == 200
    with open_store(firing) as store:
        assert store.alerts()[KEY].acknowledged_at is None  # a GET (a mail scanner) did nothing
    done = page(server, "POST", params(), data={"by": "Lena <b>", "note": "on it"})
    assert done.status_code == 200 and "Acknowledged" in done.text
    assert "Lena &lt;b&gt;" in done.text and "<b>" not in done.text.split("<h1>")[1]
    again = page(server, "POST", params(), data={"by": "Max"})
    assert again.status_code == 200 and "already was" in again.text
    with open_store(firing) as store:
        row = store.alerts()[KEY]
        assert (row.acknowledged_by, row.level) == ("Lena <b>", 1)
        events = store.alert_episodes(START, NOW + timedelta(days=1))
    assert events[0]["acknowledged_by"] == "Lena <b>"


def test_link_page_refusals_are_pages_not_traces(server: DevServer, firing: str) -> None:
    tampered = page(server, "POST", {**params(), "sig": "A" * 43})
    assert tampered.status_code == 403 and "not valid" in tampered.text
    expired_at = NOW - ACK_LINK_TTL - timedelta(minutes=1)
    expired = page(server, "GET", params(at=expired_at))
    assert expired.status_code == 410 and "expired" in expired.text
    other = page(server, "POST", params(since=START - timedelta(hours=3)))
    assert other.status_code == 410 and "episode is over" in other.text
    assert page(server, "GET", {"key": KEY}).status_code == 400
    assert page(server, "PUT", params()).status_code == 405
    for response in (tampered, expired, other):
        assert "Traceback" not in response.text
    with open_store(firing) as store:
        assert store.alerts()[KEY].acknowledged_at is None


def test_api_acknowledge_and_unacknowledge(server: DevServer, firing: str) -> None:
    path = f"/api/alerts/{KEY}/ack"
    assert server.request("POST", path).status_code == 401
    assert server.request("GET", path, headers=TOKEN).status_code == 405
    bad = server.request("POST", path, headers=TOKEN, json={"by": "x" * 81})
    assert bad.status_code == 400 and "by" in bad.json()["error"]
    assert server.request("POST", path, headers=TOKEN, json={"who": "x"}).status_code == 400
    missing = server.request("POST", "/api/alerts/no_such_rule/ack", headers=TOKEN)
    assert missing.status_code == 404
    done = server.request("POST", path, headers=TOKEN, json={"by": "Max", "note": "pooler"})
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["acknowledged"], body["changed"], body["acknowledged_by"]) == (True, True, "Max")
    listed = server.get("/api/alerts?days=1", headers=TOKEN).json()
    (episode,) = listed["episodes"]
    assert (episode["acknowledged_by"], episode["level"]) == ("Max", 1)
    assert episode["time_to_acknowledge_s"] > 0 and listed["on_call"] == []
    undone = server.request("POST", f"/api/alerts/{KEY}/unack", headers=TOKEN)
    assert undone.status_code == 200 and undone.json()["acknowledged"] is False
    listed = server.get("/api/alerts?days=1", headers=TOKEN).json()
    assert listed["episodes"][0]["acknowledged_at"] is None
    with open_store(firing) as store:
        row = store.alerts()[KEY]
        store.alert_transition(
            KEY,
            row.version,
            {"state": "ok", "since": NOW},
            AlertEvent(kind="resolved", at=NOW, episode_start=START),
        )
    resolved = server.request("POST", path, headers=TOKEN)
    assert resolved.status_code == 409 and "not firing" in resolved.json()["error"]
    assert page(server, "POST", params()).status_code == 409
    over = page(server, "GET", params())
    assert over.status_code == 410 and "episode is over" in over.text
