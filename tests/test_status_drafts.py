"""The health check drafts an incident from a critical alert on a public component, once per
episode; published only with `[status] auto_publish = true` (issue 26)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from lib.core.monitor_config import MonitorConfig, parse_monitor_config
from lib.jobs.health_check import check_and_alert
from lib.status.events import events_since
from lib.status.run import communicate
from tests.alerting import open_store, settings_for

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def fire(url: str, key: str) -> None:
    with open_store(url) as db:
        since = (NOW - timedelta(minutes=10)).isoformat()
        db.alert_cas(key, 0, {"state": "firing", "severity": "critical", "since": since})


def test_critical_alert_on_a_component_drafts_once(migrated_db: str) -> None:
    fire(migrated_db, "service_unresponsive:openai")
    fire(migrated_db, "budget_reached")  # internal rule: no component, no draft
    settings = settings_for(migrated_db)
    with open_store(migrated_db) as db:
        first = communicate(db, settings, NOW, MonitorConfig())
        second = communicate(db, settings, NOW + timedelta(minutes=5), MonitorConfig())
        events = events_since(db, NOW - timedelta(days=1), published_only=False)
        assert events_since(db, NOW - timedelta(days=1), published_only=True) == []
    assert len(first["drafted"]) == 1 and second["drafted"] == []
    (draft,) = events
    assert draft.published is False and draft.source == "service_unresponsive:openai"
    assert [c.id for c in draft.components] == ["chat"]
    assert draft.title.en == "Disruption: Chat" and draft.title.de == "Störung: Chat"
    assert draft.updates[0].message.en.startswith("We are investigating problems with Chat")


def test_auto_publish_and_the_health_check_summary(migrated_db: str, tmp_path: Path) -> None:
    toml = tmp_path / "monitoring.toml"
    toml.write_text("[status]\nauto_publish = true\n")
    settings = settings_for(migrated_db, toml)
    with open_store(migrated_db) as db:
        # The health check's own run says what its status part did.
        summary = check_and_alert(db, settings, NOW, results={}, notifiers=[])
        assert summary["status"] == {
            "drafted": [],
            "subscribers": "STATUS_SECRET not set: nothing sent",
        }
    fire(migrated_db, "service_down:stripe")
    with open_store(migrated_db) as db:
        communicate(db, settings, NOW, parse_monitor_config(toml.read_text()))
        (published,) = events_since(db, NOW - timedelta(days=1), published_only=True)
    assert published.published_at == NOW and [c.id for c in published.components] == ["payments"]
