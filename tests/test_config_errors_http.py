"""Configuration errors never silence monitoring: each kind of bad monitoring.toml leaves the
checks recorded, /api/status and /api/badge at 200, and config_invalid firing exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from tests.alerting import EMAIL_FROM, EMAIL_TO
from tests.conftest import SECRETS, assert_no_secret, vendor_env
from tests.fakes.vendors import FakeOpenAI, FakeResend, FakeStripe
from tests.inprocess import serve_in_process

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db

AUTH = {"Authorization": f"Bearer {SECRETS['CRON_SECRET']}"}
TOKEN = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}  # alert rules: token only
T = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)

# (kind, file text, problem named, a value that must never appear in a message)
CASES = [
    (
        "syntax",
        "[alerts.payment_failure_rate]\nthreshold = 5%\n",
        "line 2: threshold: invalid TOML",
        "5%",
    ),
    (
        "unknown key",
        "[alerts.payment_failure_rate]\nthreshold = 5.0\ntreshold = 7.5\n",
        "line 3: alerts.payment_failure_rate.treshold: Extra inputs are not permitted",
        "7.5",
    ),
    (
        "type",
        "[metrics.leads]\ntable = 'leads'\ncolumn = 42\n",
        "line 3: metrics.leads.column: Input should be a valid string",
        "42",
    ),
    (
        "range",
        "# percent\n[alerts.email_bounce_rate]\nthreshold = 140\n",
        "line 3: alerts.email_bounce_rate.threshold: must be between 0 and 100 %",
        "140",
    ),
    (
        "job name",
        "[alerts.cron_late]\njobs = { health_check = 0.5, daly_metrics = 30 }\n",
        "line 2: alerts.cron_late.jobs.daly_metrics: unknown cron job",
        "30",
    ),
]


@pytest.mark.parametrize(("kind", "text", "named", "value"), CASES, ids=[c[0] for c in CASES])
def test_each_kind_of_config_error_keeps_monitoring(
    kind: str,
    text: str,
    named: str,
    value: str,
    migrated_db: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_openai: FakeOpenAI,
    fake_stripe: FakeStripe,
    fake_resend: FakeResend,
) -> None:
    config = tmp_path / "monitoring.toml"
    config.write_text(text)
    env = vendor_env(
        fake_openai,
        fake_stripe,
        fake_resend,
        migrated_db,
        MONITOR_CONFIG=str(config),
        ALERT_EMAIL_TO=EMAIL_TO,
        ALERT_EMAIL_FROM=EMAIL_FROM,
    )
    with serve_in_process(env, monkeypatch) as server:
        for minutes in (0, 5, 10):
            with time_machine.travel(T + timedelta(minutes=minutes), tick=True):
                answer = server.get("/api/cron/health_check", headers=AUTH)
            assert answer.status_code == 200, answer.text
            summary = answer.json()
            assert summary["recorded"] == 4, "every configured service is still recorded"
            assert summary["config_problem"].startswith(f"monitoring.toml {named}")
            alert = summary["alerts"]["config_invalid"]
            assert alert["state"] == "firing"
            assert value not in alert["message"] and value not in summary["config_problem"]
        with time_machine.travel(T + timedelta(minutes=11), tick=True):
            status = server.get("/api/status", headers=TOKEN)
            badge = server.get("/api/badge")
            svg = server.get("/api/badge?format=svg")
    configuration = [e for e in fake_resend.emails if "Configuration error" in e["subject"]]
    assert [e["subject"] for e in configuration] == [
        "[WARNING] CarBot Firing: Configuration error"
    ], "config_invalid fires once over three runs"
    assert named in configuration[0]["text"] and value not in configuration[0]["text"]
    assert_no_secret(configuration[0]["text"])
    assert (status.status_code, badge.status_code, svg.status_code) == (200, 200, 200)
    body = status.json()
    assert body["services"]["database"]["status"] == "operational", "answered from history"
    assert {"rule": "config_invalid", "title": "Configuration error"}.items() <= next(
        i for i in body["alerts"] if i["rule"] == "config_invalid"
    ).items()
    # The public bodies say "configuration error" and nothing of the problem itself.
    for public in (status.text, badge.text, svg.text):
        assert "monitoring.toml" not in public and named not in public
    assert badge.json()["message"] == "operational", "a warning incident does not degrade"


def test_a_missing_monitor_config_file_is_config_invalid_at_run_time(
    migrated_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {"DATABASE_URL": migrated_db, "MONITOR_CONFIG": str(tmp_path / "nope.toml")}
    with serve_in_process(env, monkeypatch) as server:
        answer = server.get("/api/cron/health_check", headers=AUTH)
        assert answer.status_code == 200
        assert answer.json()["config_problem"] == (
            "nope.toml: cannot read the file (does it exist?)"
        )
        assert server.get("/api/status").status_code == 200
