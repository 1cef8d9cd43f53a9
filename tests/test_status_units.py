"""Units of lib/status and lib/alerts/maintenance.py: signed links, muting, weekly windows,
pacing, Svix signatures, which announcements are due, the banner (issue 26)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import SecretStr

from lib.alerts.maintenance import MaintenanceState, maintenance_state, toml_windows
from lib.core.components import LocalText
from lib.core.monitor_config import parse_monitor_config
from lib.status.components import banner
from lib.status.model import ComponentView, StoredEvent, Uptime
from lib.status.outbox import due_announcements
from lib.status.resend_events import svix_signature, verified
from lib.status.sender import Pacer
from lib.status.store import put_event
from lib.status.tokens import sign, token_id, verify
from tests.alerting import open_store
from tests.fakes.shapes import validate_resend_error, validate_response
from tests.fakes.vendors import FakeResend
from tests.local_http import LOCAL_HTTP
from tests.stores import supabase_store

SECRET = SecretStr("status-secret-SECRET-0009")
NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)  # a Sunday


def test_signed_links() -> None:
    token = sign(SECRET, "manage", 42, "a@example.de")
    assert token.startswith("m42.") and token_id("manage", token) == 42
    assert verify(SECRET, "manage", token, "a@example.de")
    assert not verify(SECRET, "manage", token, "b@example.de")  # another address
    assert not verify(SECRET, "confirm", token, "a@example.de")  # another purpose
    assert not verify(SecretStr("other"), "manage", token, "a@example.de")
    assert not verify(SECRET, "manage", token[:-1] + "A", "a@example.de")
    assert token_id("manage", "m42") is None and token_id("manage", "mx.y") is None


def test_mutes_mapped_alert_keys_and_prefixes() -> None:
    state = MaintenanceState(active=False, muted=["service_down:stripe", "check_down:"])
    assert state.mutes("service_down:stripe") and state.mutes("check_down:home")
    assert not state.mutes("service_down:openai") and not state.mutes("check_down")
    assert MaintenanceState(active=True).mutes("anything")
    assert MaintenanceState(active=False).model_dump() == {
        "active": False,
        "reason": None,
        "ends_at": None,
    }


def test_toml_windows_show_the_next_weekly_occurrence() -> None:
    config = parse_monitor_config(
        '[[maintenance]]\nreason = "Backups"\n'
        'weekly = { day = "tuesday", start = "02:00", end = "03:00" }\n'
        '[[maintenance]]\nstart = "2026-11-01T00:00:00+01:00"\nend = "2026-11-01T01:00:00+01:00"\n'
    )
    weekly, once = toml_windows(config, NOW)
    assert weekly.starts_at == datetime(2026, 12, 8, 1, 0, tzinfo=UTC)  # Tue 02:00 Berlin
    assert weekly.reason == "Backups" and weekly.components == []
    assert once.ends_at == datetime(2026, 11, 1, 0, 0, tzinfo=UTC)  # 01:00 +01:00
    assert maintenance_state(config, NOW).active is False
    assert maintenance_state(config, weekly.starts_at + timedelta(minutes=1)).active is True


def test_pacer_keeps_two_requests_a_second() -> None:
    slept: list[float] = []
    pacer = Pacer(2.0, sleep=slept.append)
    for _ in range(3):
        pacer.wait()
    assert len(slept) == 2 and all(0.45 < s <= 0.5 for s in slept)


def test_svix_signatures() -> None:
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"type":"email.bounced"}'
    good = svix_signature(secret, "msg_1", "1765000000", body)
    headers = {
        "svix-id": "msg_1",
        "svix-timestamp": "1765000000",
        "svix-signature": f"v1,bm90LXRoaXM= {good}",
    }  # rotation: any one may match
    assert verified(secret, headers, body, 1765000100)
    assert not verified(secret, headers, body + b" ", 1765000100)
    assert not verified(secret, headers, body, 1765000400)  # 400 s late
    assert not verified("whsec_%%%", headers, body, 1765000100)


def event(**extra: object) -> StoredEvent:
    base = {
        "id": "inc_1",
        "kind": "incident",
        "published": True,
        "status": "investigating",
        "title": {"de": "T", "en": "T"},
        "created_at": NOW,
        "updated_at": NOW,
    }
    return StoredEvent.model_validate({**base, **extra})


def test_due_announcements() -> None:
    message = {"de": "m", "en": "m"}
    updates = [
        {"at": NOW - timedelta(days=2), "status": "investigating", "message": message},
        {"at": NOW - timedelta(hours=1), "status": "identified", "message": message},
    ]
    old = event(updates=updates, published_at=NOW - timedelta(days=3))
    keys = [a.key for a in due_announcements([old], NOW, timedelta(hours=24))]
    assert keys == ["inc_1:u1"]  # the two-day-old update is not mailed any more
    draft = event(updates=updates, published_at=NOW - timedelta(minutes=5))
    published = due_announcements([draft], NOW, timedelta(hours=24))
    assert [(a.key, a.due_at) for a in published] == [
        ("inc_1:u0", NOW - timedelta(minutes=5)),  # a draft's updates go out when published
        ("inc_1:u1", NOW - timedelta(minutes=5)),
    ]
    assert due_announcements([event(updates=updates, published=False)], NOW, timedelta(1)) == []
    window = {
        "kind": "maintenance",
        "id": "mnt_1",
        "status": "scheduled",
        "message": message,
        "starts_at": NOW + timedelta(hours=5),
        "ends_at": NOW + timedelta(hours=6),
    }
    ahead = due_announcements([event(**window)], NOW, timedelta(hours=24))
    assert [(a.key, a.due_at) for a in ahead] == [("mnt_1:ahead", NOW)]
    later = due_announcements([event(**window)], NOW + timedelta(hours=7), timedelta(hours=24))
    assert [a.key for a in later] == ["mnt_1:end"]
    cancelled = event(**{**window, "status": "cancelled"})
    assert due_announcements([cancelled], NOW + timedelta(hours=5), timedelta(hours=24)) == []


def test_banner_when_all_is_well_and_when_several_are_down() -> None:
    def view(ident: str, word: str) -> ComponentView:
        return ComponentView(
            id=ident, name=LocalText(de=ident.upper(), en=ident), status=word, uptime=Uptime()
        )  # type: ignore[arg-type]

    calm = banner([view("chat", "operational")])
    assert (calm.status, calm.components, calm.message.de) == (
        "operational",
        [],
        "Alle Systeme betriebsbereit",
    )
    rough = banner(
        [
            view("chat", "partial_outage"),
            view("email", "partial_outage"),
            view("website", "degraded_performance"),
        ]
    )
    assert rough.components == ["chat", "email"]
    assert rough.message.en == "Partial outage: chat, email"


def test_announced_windows_mute(migrated_db: str) -> None:
    config = parse_monitor_config("")
    base = {
        "kind": "maintenance",
        "status": "scheduled",
        "message": {"de": "m", "en": "m"},
        "starts_at": NOW - timedelta(hours=1),
        "ends_at": NOW + timedelta(hours=1),
    }
    with open_store(migrated_db) as db:
        assert put_event(
            db, event(**base, id="mnt_pay", components=[{"id": "payments", "impact": "none"}]), 0
        )
        state = maintenance_state(config, NOW, db)
        assert not state.active and state.mutes("service_down:stripe")
        assert not state.mutes("service_down:openai")
        assert put_event(db, event(**base, id="mnt_all"), 0)
        everything = maintenance_state(config, NOW, db)
        assert everything.active and everything.ends_at == NOW + timedelta(hours=1)
        assert not maintenance_state(config, NOW + timedelta(hours=2), db).active


def test_fake_resend_batch_follows_the_spec(fake_resend: FakeResend) -> None:
    email = {
        "from": "a@carbot.de",
        "to": ["b@example.de"],
        "subject": "s",
        "text": "t",
        "headers": {"List-Unsubscribe": "<https://x/u>"},
    }
    answer = LOCAL_HTTP.post(fake_resend.url + "/emails/batch", json=[email, email])
    assert answer.status_code == 200
    validate_response("resend", "POST", "/emails/batch", 200, answer.json())
    assert len(answer.json()["data"]) == 2
    for bad in ([], [{**email, "to": 5}], [email] * 101, [{**email, "scheduled_at": "x"}]):
        refused = LOCAL_HTTP.post(fake_resend.url + "/emails/batch", json=bad)
        assert refused.status_code == 422
        validate_resend_error(refused.json())
    assert len(fake_resend.violations) == 4


def test_every_component_through_the_supabase_transport(postgrest: object) -> None:
    """PostgREST passes JSON null for "every component": stored and matched as SQL null."""
    with supabase_store(postgrest) as db:
        row = db.call(
            "monitoring_status_subscribe",
            p_email="all@example.de",
            p_language="de",
            p_components=None,
            p_now=NOW,
        )
        db.call("monitoring_status_confirm", p_id=row["id"], p_now=NOW)
        for components in (["chat"], None):
            claimed = db.call(
                "monitoring_status_claim",
                p_message=f"m:{components}",
                p_components=components,
                p_not_after=NOW,
                p_now=NOW,
                p_limit=10,
            )
            assert [c["email"] for c in claimed] == ["all@example.de"]
        assert db.call("monitoring_status_subscriber", p_id=row["id"])["components"] is None
