"""Components, banner and 90-day history of /api/status from seeded checks, alerts and incidents
(issue 26); the public fields never name an internal alert rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lib.core.config import load_settings
from lib.core.monitor_config import parse_monitor_config
from lib.endpoints.status import load_status
from lib.status.model import StoredEvent
from lib.status.store import put_event
from lib.store import Store
from lib.store.postgres import PostgresTransport

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)  # 11:00 in Berlin
H = timedelta(hours=1)
INTERNAL = (
    "budget_reached",
    "tls_expiry",
    "cron_late:daily_metrics",
    "config_invalid",
    "security_advisor",
    "anomaly:leads",
    "certificate_renewal_failed",
)


def check(service: str, at: datetime, status: str = "ok") -> dict:
    return {
        "service": service,
        "status": status,
        "latency_ms": 20,
        "reason": None,
        "checked_at": at,
    }


def firing(db: Store, key: str, severity: str, since: datetime) -> None:
    db.alert_cas(
        key,
        0,
        {
            "state": "firing",
            "severity": severity,
            "since": since.isoformat(),
            "message": "secret figure 4711",
        },
    )


@pytest.fixture
def seeded(migrated_db: str) -> str:
    with Store(PostgresTransport(migrated_db, 5)) as db:
        rows = []
        for i in range(48):  # two days hourly: database and openai fine, stripe down 6 h today
            at = NOW - timedelta(minutes=30) - i * H
            rows.append(check("database", at))
            rows.append(check("openai", at))
            rows.append(check("stripe", at, "down" if i < 6 else "ok"))
            rows.append(check("email", at, "degraded" if i == 0 else "ok"))
        db.record_checks(rows)
        for key in INTERNAL:
            firing(db, key, "critical", NOW - 2 * H)
        firing(db, "service_unresponsive:openai", "critical", NOW - H)
        incident = StoredEvent.model_validate(
            {
                "id": "inc_chat1",
                "kind": "incident",
                "published": True,
                "status": "identified",
                "impact": "major",
                "title": {"de": "Chat antwortet nicht", "en": "Chat not answering"},
                "components": [{"id": "chat", "impact": "major"}],
                "updates": [
                    {
                        "at": NOW - H,
                        "status": "identified",
                        "message": {"de": "Ursache gefunden", "en": "Cause found"},
                    }
                ],
                "created_at": NOW - 26 * H,
                "updated_at": NOW - H,
            }
        )
        assert put_event(db, incident, 0) is not None
        draft = incident.model_copy(update={"id": "inc_draft", "published": False})
        assert put_event(db, draft, 0) is not None
    return migrated_db


def test_components_banner_and_history(seeded: str) -> None:
    body, answered = load_status(load_settings(database_url=seeded), NOW, internal=False)
    assert answered
    words = {c.id: c.status for c in body.components}
    assert words == {
        "website": "operational",  # no check:home stored, no mapped alert
        "workshop-app": "operational",
        "chat": "partial_outage",  # critical alert mapped + published incident (major)
        "payments": "major_outage",  # its only service is down
        "email": "degraded_performance",
    }
    assert body.banner is not None and body.banner.status == "major_outage"
    assert body.banner.components == ["payments"]
    assert body.banner.message.en == "Major outage: Payments"
    assert body.banner.message.de == "Schwerer Ausfall: Zahlungen"
    payments = next(c for c in body.components if c.id == "payments")
    assert payments.uptime.h24 == 75.0  # 18 of 24 hourly checks answered
    chat = next(c for c in body.components if c.id == "chat")
    assert len(chat.history) == 90 and chat.history[-1].day.isoformat() == "2026-12-06"
    assert chat.history[-1].incidents == ["inc_chat1"] and chat.history[-2].incidents == [
        "inc_chat1"
    ]  # created yesterday (local day), still open today
    assert chat.history[-1].status == "partial_outage"
    assert chat.history[0].uptime_pct is None and chat.history[0].status == "operational"
    assert [i.id for i in body.incidents] == ["inc_chat1"]  # the draft is not published
    assert body.timezone == "Europe/Berlin" and body.feed == "/api/status/feed.atom"


def test_public_fields_never_name_an_internal_rule(seeded: str) -> None:
    body, _ = load_status(load_settings(database_url=seeded), NOW, internal=False)
    text = body.model_dump_json()
    for key in (*INTERNAL, "service_unresponsive", "4711"):
        assert key not in text, key
    private, _ = load_status(load_settings(database_url=seeded), NOW, internal=True)
    assert {a.rule for a in private.alerts or []} >= {"budget_reached", "tls_expiry"}


def test_maintenance_puts_its_components_under_maintenance(seeded: str, tmp_path: Path) -> None:
    with Store(PostgresTransport(seeded, 5)) as db:
        window = StoredEvent.model_validate(
            {
                "id": "mnt_pay",
                "kind": "maintenance",
                "published": True,
                "status": "scheduled",
                "title": {"de": "Zahlungsumstellung", "en": "Payment migration"},
                "message": {"de": "Kurze Pausen", "en": "Short pauses"},
                "components": [{"id": "payments", "impact": "none"}],
                "starts_at": NOW - H,
                "ends_at": NOW + H,
                "created_at": NOW - 48 * H,
                "updated_at": NOW - 48 * H,
            }
        )
        assert put_event(db, window, 0) is not None
    toml = tmp_path / "monitoring.toml"
    toml.write_text(
        '[[components]]\nid = "payments"\nname = { de = "Zahlungen", en = "Payments" }\n'
        'services = ["stripe"]\nalerts = ["service_down:stripe"]\n'
    )
    assert [c.id for c in parse_monitor_config(toml.read_text()).components] == ["payments"]
    settings = load_settings(database_url=seeded, monitor_config=str(toml))
    body, _ = load_status(settings, NOW, internal=False)
    assert [(c.id, c.status) for c in body.components] == [("payments", "under_maintenance")]
    assert [(m.id, m.state) for m in body.maintenance] == [("mnt_pay", "in_progress")]
    assert body.banner is not None and body.banner.message.en == "Maintenance: Payments"
