"""lib/alerts/config_state.py: a bad monitoring.toml is named by file, line and key, and the daily
evaluation fires config_invalid too (not only the health check)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lib.alerts.config_state import load_rules
from lib.alerts.evaluate import evaluate_daily_rules
from tests.alerting import open_store, settings_for


def test_daily_cron_fires_config_invalid_too(migrated_db: str, tmp_path: Path) -> None:
    config = tmp_path / "monitoring.toml"
    config.write_text("[alerts.tls_expiry]\nenabeld = false\n")
    settings = settings_for(migrated_db, config)
    assert load_rules(settings).problem == (
        "monitoring.toml line 2: alerts.tls_expiry.enabeld: Extra inputs are not permitted"
    )
    with open_store(migrated_db) as store:
        summary = evaluate_daily_rules(store, settings, datetime(2026, 12, 3, 0, 15, tzinfo=UTC))
    assert summary["alerts"]["config_invalid"]["state"] == "firing"
