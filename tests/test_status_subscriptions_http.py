"""Subscribers over real HTTP with the fake Resend: double opt-in, update mail with RFC 8058
headers, one-click unsubscribe, maintenance told three times once under overlapping runs, rate
limits, bounces (issue 26)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from lib.core.monitor_config import MonitorConfig
from lib.status.resend_events import svix_signature
from lib.status.run import communicate
from lib.status.sender import SIGNATURE_HEADER, signature
from lib.status.subscribers import client_network
from lib.status.tokens import sign
from tests.conftest import DB_PASSWORD, ROOT, _clone
from tests.fakes.vendors import FakeResend
from tests.fakes.webhook import FakeWebhook
from tests.local_http import LOCAL_HTTP
from tests.status_server import (
    RESEND_WEBHOOK_SECRET,
    SENDER,
    STATUS_SECRET,
    TOKEN,
    StatusServer,
    link,
    status_server,
)


@pytest.fixture(scope="module")
def server(pg, monitor_template: str, fake_resend: FakeResend) -> Iterator[StatusServer]:
    for name in _clone(pg, monitor_template):
        url = f"postgresql://postgres:{DB_PASSWORD}@127.0.0.1:{pg.port}/{name}"
        with status_server(url, fake_resend) as running:
            yield running


@pytest.fixture(autouse=True)
def _empty(server: StatusServer) -> None:
    server.rows("delete from monitoring_status_subscribers")
    server.rows("delete from monitoring_status_events")
    server.rows("delete from monitoring_status_rate")


def subscribe(server: StatusServer, email: str, ip: str = "203.0.113.7", **extra: object):
    body = {"email": email, "language": "en", **extra}
    return server.request("POST", "/api/subscriptions", json=body, headers={"X-Forwarded-For": ip})


def confirmed(server: StatusServer, resend: FakeResend, email: str) -> None:
    assert subscribe(server, email).status_code == 202
    mail = next(m for m in reversed(resend.emails) if m["to"] == [email])
    confirm = link(mail["text"], "/api/subscriptions/confirm")
    assert LOCAL_HTTP.post(confirm).status_code == 200


def run_twice_at_once(server: StatusServer, now: datetime) -> list[dict]:
    """Two health-check runs overlapping (threads, one store connection each)."""
    results: list[dict] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        with server.store() as db:
            barrier.wait()
            results.append(communicate(db, server.settings(), now, MonitorConfig()))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_subscribe_confirm_update_and_one_click_unsubscribe(
    server: StatusServer, fake_resend: FakeResend
) -> None:
    answer = subscribe(server, " Kunde@Example.de ", components=["chat"])
    assert answer.status_code == 202 and answer.json() == {"status": "confirmation_sent"}
    (mail,) = fake_resend.emails
    assert mail["to"] == ["kunde@example.de"] and mail["from"] == SENDER
    assert subscribe(server, "kunde@example.de").json() == {"status": "confirmation_sent"}
    assert len(fake_resend.emails) == 1, "no second confirmation mail within a day"
    confirm = link(mail["text"], "/api/subscriptions/confirm")
    page = LOCAL_HTTP.get(confirm)
    assert page.status_code == 200 and 'method="post"' in page.text
    assert server.rows("select confirmed_at from monitoring_status_subscribers")[0][0] is None
    assert LOCAL_HTTP.post(confirm).status_code == 200
    (row,) = server.rows(
        "select email, confirmed_at, components from monitoring_status_subscribers"
    )
    assert row[0] == "kunde@example.de" and row[1] is not None and row[2] == ["chat"]

    created = server.request(
        "POST",
        "/api/incidents",
        headers=TOKEN,
        json={
            "title": {"de": "Chat antwortet nicht", "en": "Chat <not> answering"},
            "impact": "major",
            "components": [{"id": "chat", "impact": "major"}],
            "message": {"de": "Wir prüfen.", "en": "We are looking\u202e into it."},
        },
    )
    assert created.status_code == 201
    other = server.request(
        "POST",
        "/api/incidents",
        headers=TOKEN,
        json={
            "title": {"de": "Zahlungen", "en": "Payments"},
            "message": {"de": "x", "en": "x"},
            "components": [{"id": "payments", "impact": "minor"}],
        },
    )
    assert other.status_code == 201
    first, second = run_twice_at_once(server, datetime.now(UTC))
    sent = [r["subscribers"]["emails"] for r in (first, second)]
    assert sorted(sum(s.values()) for s in sent) == [0, 1], sent  # chat only, and once
    update = fake_resend.batches[-1][0]
    assert update["subject"] == "[CarBot Status] Investigating: Chat <not> answering"
    assert "We are looking\ufffd into it." in update["text"]
    assert "&lt;not&gt;" in update["html"] and "<not>" not in update["html"]
    headers = update["headers"]
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith(server.url + "/api/subscriptions/unsubscribe?token=m")
    assert link(update["text"], "/api/subscriptions/preferences")
    assert run_twice_at_once(server, datetime.now(UTC))[0]["subscribers"]["emails"] == {}
    assert fake_resend.violations == []

    # RFC 8058 §3.2: the mail client POSTs "List-Unsubscribe=One-Click" to the URL.
    one_click = LOCAL_HTTP.post(
        unsubscribe,
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert one_click.status_code == 200
    assert server.rows("select count(*) from monitoring_status_subscribers") == [(0,)]
    assert LOCAL_HTTP.post(unsubscribe).status_code == 200  # idempotent: nothing left to delete


def test_maintenance_ahead_start_end_once_each(
    server: StatusServer, fake_resend: FakeResend
) -> None:
    confirmed(server, fake_resend, "werkstatt@example.de")
    now = datetime.now(UTC)
    starts, ends = now + timedelta(hours=30), now + timedelta(hours=32)
    created = server.request(
        "POST",
        "/api/incidents",
        headers=TOKEN,
        json={
            "kind": "maintenance",
            "title": {"de": "Datenbank-Update", "en": "Database upgrade"},
            "message": {"de": "Kurze Pause", "en": "Short pause"},
            "starts_at": starts.isoformat(),
            "ends_at": ends.isoformat(),
            "components": ["workshop-app"],
        },
    )
    assert created.status_code == 201
    fake_resend.batches.clear()
    assert run_twice_at_once(server, now + timedelta(hours=1))[0]["subscribers"]["emails"] == {}
    for moment in (
        now + timedelta(hours=7),
        starts + timedelta(minutes=5),
        ends + timedelta(minutes=5),
        ends + timedelta(minutes=10),
    ):
        run_twice_at_once(server, moment)
    subjects = [m["subject"] for batch in fake_resend.batches for m in batch]
    assert subjects == [
        "[CarBot Status] Scheduled maintenance: Database upgrade",
        "[CarBot Status] Maintenance started: Database upgrade",
        "[CarBot Status] Maintenance completed: Database upgrade",
    ]
    assert fake_resend.violations == []


def test_rate_limits_per_address_and_network(server: StatusServer, fake_resend: FakeResend) -> None:
    answers = [subscribe(server, "same@example.de").status_code for _ in range(4)]
    assert answers == [202, 202, 202, 429]
    codes = [
        subscribe(server, f"u{i}@example.de", ip=f"198.51.100.{i}").status_code for i in range(21)
    ]
    assert codes == [202] * 20 + [429]  # 20 an hour from one /24
    assert subscribe(server, "else@example.de", ip="192.0.2.1").status_code == 202
    bad = subscribe(server, "not-an-address")
    assert bad.status_code == 400 and bad.json()["error"] == "email: not a valid e-mail address"
    assert client_network("2001:db8:1234:5678::1, 10.0.0.1", None) == "2001:db8:1234::/48"
    assert client_network(None, "203.0.113.99") == "203.0.113.0/24"
    stored = server.rows("select key from monitoring_status_rate")
    assert all("example" not in key and "203.0" not in key for (key,) in stored)


def test_bounce_removes_the_address(server: StatusServer, fake_resend: FakeResend) -> None:
    confirmed(server, fake_resend, "kunde@example.de")
    event = json.loads((ROOT / "tests/fixtures/vendors/resend/email.bounced.json").read_text())
    body = json.dumps(event).encode()
    stamp = str(int(time.time()))
    signed = {
        "svix-id": "msg_2Lh9",
        "svix-timestamp": stamp,
        "svix-signature": svix_signature(RESEND_WEBHOOK_SECRET, "msg_2Lh9", stamp, body),
    }
    forged = {**signed, "svix-signature": "v1,AAAA"}
    assert (
        server.request("POST", "/api/webhooks/resend", content=body, headers=forged).status_code
        == 401
    )
    old = {**signed, "svix-timestamp": str(int(time.time()) - 900)}
    assert (
        server.request("POST", "/api/webhooks/resend", content=body, headers=old).status_code == 401
    )
    assert server.rows("select count(*) from monitoring_status_subscribers") == [(1,)]
    answer = server.request("POST", "/api/webhooks/resend", content=body, headers=signed)
    assert answer.status_code == 200 and answer.json()["removed"] == 1
    assert server.rows("select count(*) from monitoring_status_subscribers") == [(0,)]


def test_webhook_subscription_signed_and_retried(
    server: StatusServer, fake_webhook: FakeWebhook
) -> None:
    wanted = {"webhook": fake_webhook.hook_url, "components": ["payments"]}
    assert server.request("POST", "/api/subscriptions", json=wanted).status_code == 401
    created = server.request("POST", "/api/subscriptions", json=wanted, headers=TOKEN)
    assert created.status_code == 201
    secret = created.json()["secret"]
    assert secret.startswith("whsec_") and created.json()["signature_header"] == SIGNATURE_HEADER
    incident = server.request(
        "POST",
        "/api/incidents",
        headers=TOKEN,
        json={
            "title": {"de": "Zahlungen langsam", "en": "Payments slow"},
            "message": {"de": "Wir prüfen.", "en": "Looking into it."},
            "components": [{"id": "payments", "impact": "minor"}],
        },
    )
    assert incident.status_code == 201
    fake_webhook.mode = "500"
    failed = run_twice_at_once(server, datetime.now(UTC))
    assert all(r["subscribers"]["webhooks"] == {} for r in failed)
    assert any(r["subscribers"]["failed"] for r in failed)
    fake_webhook.mode = "ok"
    run_twice_at_once(server, datetime.now(UTC))  # the released claim is sent now, once
    (delivery,) = [
        r
        for r in fake_webhook.requests
        if r.method == "POST" and r.body and r.body.get("type") == "incident.update"
    ][-1:]
    assert len(fake_webhook.payloads) == 1 and delivery.body["id"] == incident.json()["id"]
    raw = json.dumps(delivery.body, separators=(",", ":")).encode()
    stamp = delivery.headers["x-carbot-signature"].split(",")[0].removeprefix("t=")
    assert delivery.headers["x-carbot-signature"] == signature(secret, int(stamp), raw)


def test_preferences_page_and_form(server: StatusServer, fake_resend: FakeResend) -> None:
    confirmed(server, fake_resend, "prefs@example.de")
    (row_id,) = server.rows("select id from monitoring_status_subscribers")[0]
    token = sign(SecretStr(STATUS_SECRET), "manage", row_id, "prefs@example.de")
    url = f"{server.url}/api/subscriptions/preferences?token={token}"
    page = LOCAL_HTTP.get(url)
    assert page.status_code == 200 and page.text.count('type="checkbox"') == 5
    assert "form-action 'self'" in page.headers["content-security-policy"]
    assert "script" not in page.headers["content-security-policy"]
    form = {"components": ["chat", "email"], "language": "de"}
    assert LOCAL_HTTP.post(url, data=form).status_code == 200
    assert server.rows("select components, language from monitoring_status_subscribers") == [
        (["chat", "email"], "de")
    ]
    assert LOCAL_HTTP.post(url, data={"components": ["kitchen"]}).status_code == 400
    assert LOCAL_HTTP.get(url[:-3] + "AAA").status_code == 404  # an altered link
