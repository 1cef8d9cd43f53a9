"""check_down:<name> and the health check that runs the checks (lib/alerts/rules/checks.py,
lib/jobs/health_check.py, lib/checks/metrics.py), over a real store with a moved clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from lib.checks.store import check_states
from lib.jobs.health_check import check_and_alert
from lib.metrics import unit_of
from tests.alerting import T0, only_rules, open_store, settings_for
from tests.fakes.carbot import FakeCarBot, start_carbot

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db


@pytest.fixture(scope="module")
def carbot() -> Iterator[FakeCarBot]:
    fake = start_carbot()
    yield fake
    fake.close()


def config(directory: Path, carbot: FakeCarBot) -> Path:
    return only_rules(
        directory,
        "check_down",
        extra=f"""
[[checks]]
name = "home"
critical = true
interval = 60
timeout = 2
http = {{ url = "{carbot.url}/", conditions = {{ body_contains = ["Willkommen"] }} }}

[[checks]]
name = "health-api"
interval = 60
timeout = 2
[checks.http]
url = "{carbot.url}/api/health"
conditions = {{ json_equals = {{ "$.status" = "healthy" }} }}
""",
    )


def run(url: str, toml: Path, minutes: float) -> dict[str, Any]:
    now = T0 + timedelta(minutes=minutes)
    with open_store(url) as store:
        return check_and_alert(store, settings_for(url, toml), now, results={}, notifiers=[])


def test_check_down_fires_after_two_minutes_and_resolves_once(
    migrated_db: str, tmp_path: Path, carbot: FakeCarBot
) -> None:
    carbot.reset()
    toml = config(tmp_path, carbot)
    first = run(migrated_db, toml, 0)
    assert first["checked"] == {"check:home": "ok", "check:health-api": "ok"}
    assert first["alerts"]["check_down:home"]["observed"] == "ok"
    carbot.wrong = True  # the home page shows "Wartungsarbeiten", the API says degraded
    events = {}
    for minute in (1, 2, 3.5, 4.5):
        report = run(migrated_db, toml, minute)
        events[minute] = {k: v.get("event") for k, v in report["alerts"].items()}
        observed = report["alerts"]["check_down:home"]["observed"]
        assert observed == ("firing" if minute > 3 else "settling"), (minute, report["alerts"])
    assert events[3.5] == {"check_down:home": "firing", "check_down:health-api": "firing"}
    assert events[4.5] == {"check_down:home": None, "check_down:health-api": None}
    with open_store(migrated_db) as store:
        rows = store.alerts()
        assert rows["check_down:home"].severity == "critical"  # critical = true
        assert rows["check_down:health-api"].severity == "warning"
        assert "body does not contain 'Willkommen'" in (rows["check_down:home"].message or "")
        latest = store.latest_checks()
        assert latest["check:health-api"].reason == "JSON $.status is not 'healthy'"
        assert check_states(store)["home"].down_since == T0 + timedelta(minutes=1)
    carbot.wrong = False
    resolved = []
    for minute in (5.5, 6.5, 8, 9):
        report = run(migrated_db, toml, minute)
        resolved += [k for k, v in report["alerts"].items() if v.get("event") == "resolved"]
    assert sorted(resolved) == ["check_down:health-api", "check_down:home"]  # once each


def test_a_check_not_due_is_not_run_again(
    migrated_db: str, tmp_path: Path, carbot: FakeCarBot
) -> None:
    carbot.reset()
    toml = tmp_path / "hourly.toml"
    toml.write_text(
        f'[[checks]]\nname = "home"\ninterval = 3600\nhttp = {{ url = "{carbot.url}/" }}\n'
    )
    assert run(migrated_db, toml, 0)["checked"] == {"check:home": "ok"}
    seen = len(carbot.requests)
    assert "check:home" not in run(migrated_db, toml, 5)["checked"]
    assert len(carbot.requests) == seen
    assert run(migrated_db, toml, 60)["checked"] == {"check:home": "ok"}


def test_daily_metrics_per_check(migrated_db: str, tmp_path: Path, carbot: FakeCarBot) -> None:
    from lib.checks.metrics import CheckMetrics
    from lib.core.monitor_config import load_monitor_config
    from lib.metrics import DayWindow, SourceContext

    carbot.reset()
    toml = config(tmp_path, carbot)
    for minute in range(0, 40, 5):
        carbot.wrong = minute == 10  # one failed run of eight
        run(migrated_db, toml, minute)
    settings = settings_for(migrated_db, toml)
    window = DayWindow.of(T0.date(), settings.metrics_timezone)
    with open_store(migrated_db) as store:
        ctx = SourceContext(
            settings, store, load_monitor_config(settings), window, deadline=1e12, latest=True
        )
        values = CheckMetrics().collect(ctx)
    assert values["check_uptime_pct:home"] == 87.5
    assert values["check_uptime_pct:health-api"] == 87.5
    assert values["check_p95_ms:home"] > 0
    assert unit_of("check_uptime_pct:home") == "%" and unit_of("check_p95_ms:home") == "ms"
    assert unit_of("check_bogus:home") is None


def test_the_details_endpoint_shows_each_check_and_labels_whose_uptime(
    migrated_db: str, tmp_path: Path, carbot: FakeCarBot
) -> None:
    import json

    from lib.core.http import Request
    from lib.endpoints.synthetic import synthetic_response

    carbot.reset()
    toml = config(tmp_path, carbot)
    with open_store(migrated_db) as store:
        store.record_checks([{"service": "database", "status": "down", "latency_ms": 5}])
    carbot.wrong = True
    run(migrated_db, toml, 0)
    token = "t" * 40
    settings = settings_for(migrated_db, toml, health_token=token)
    request = Request(
        "GET", "/api/health/checks", {}, {"authorization": f"Bearer {token}"}, settings
    )
    body = json.loads(synthetic_response(request).body)
    assert body["checks"]["home"]["status"] == "down"
    assert body["checks"]["home"]["critical"] is True and body["checks"]["home"]["kind"] == "http"
    assert body["checks"]["home"]["reason"] == "body does not contain 'Willkommen'"
    # T0 is in the past: the last 24 h of the real clock hold the seeded database row only
    assert body["uptime"]["suppliers_pct_30d"] == 0.0
    assert "synthetic checks" in body["uptime"]["carbot_source"]
    assert "probes" in body["uptime"]["suppliers_source"]
    assert body["heartbeats"] == {}
