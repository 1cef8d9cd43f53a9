"""GET /api/criteria over real HTTP: the guide's criteria and the threshold lines the dashboard
draws, from lib/reports/criteria.py and the configured alert rules (never copied into a page)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lib.drains.query import WindowStats
from lib.metrics import METRICS
from lib.reports.criteria import CRITERIA
from tests.conftest import SECRETS, assert_no_secret
from tests.inprocess import serve_in_process

TOKEN = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
BASE = {"HEALTH_TOKEN": SECRETS["HEALTH_TOKEN"], "VERCEL_ENV": "production"}


def test_criteria_need_the_token_and_name_real_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    with serve_in_process(BASE, monkeypatch) as server:
        assert server.get("/api/criteria").status_code == 401
        answer = server.get("/api/criteria", headers=TOKEN)
    assert answer.status_code == 200
    assert "no-store" in answer.headers["cache-control"]
    assert_no_secret(answer.text)
    body = answer.json()
    assert body["timezone"] == "Europe/Berlin"
    assert [c["key"] for c in body["criteria"]] == [c[0] for c in CRITERIA]
    response = next(c for c in body["criteria"] if c["key"] == "response_avg_ms")
    assert response == {
        "key": "response_avg_ms",
        "label": "Response time",
        "op": "<",
        "target": 500.0,
        "target_text": "< 500 ms",
        "unit": "ms",
        "metrics": ["response_avg_ms", "avg_response_ms"],
        "traffic_total": "avg_ms",
    }
    # Every name the dashboard reads is one the other endpoints really send.
    for criterion in body["criteria"]:
        assert all(m in METRICS for m in criterion["metrics"]), criterion
        total = criterion["traffic_total"]
        assert total is None or total in WindowStats.model_fields, criterion
    assert set(body["thresholds"]) <= set(METRICS)
    # The defaults: the guide's targets, then the default alert thresholds.
    assert body["thresholds"] == {
        "uptime_pct": 99.9,
        "response_avg_ms": 500.0,
        "avg_response_ms": 500.0,
        "error_rate_pct": 1.0,
        "lead_conversion_pct": 15.0,
        "payment_success_pct": 95.0,
        "email_delivery_pct": 98.0,
        "email_bounce_pct": 10.0,
        "db_storage_pct": 80.0,
        "db_backup_age_h": 26.0,
        "build_success_pct": 100.0,
        "web_vitals_lcp_p75_ms": 2500.0,
        "web_vitals_inp_p75_ms": 200.0,
        "web_vitals_cls_p75": 0.1,
    }


def test_configured_thresholds_and_zone_are_served(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """monitoring.toml moves a line, a disabled rule draws none; an invalid file means the
    defaults (as the alert engine does), never a 500."""
    config = tmp_path / "monitoring.toml"
    config.write_text(
        "[alerts.database_storage]\nthreshold = 90\n"
        "[alerts.web_vitals]\nthreshold = 2\n"
        "[alerts.backup_stale]\nenabled = false\n"
    )
    env = {**BASE, "MONITOR_CONFIG": str(config), "METRICS_TIMEZONE": "America/New_York"}
    with serve_in_process(env, monkeypatch) as server:
        body = server.get("/api/criteria", headers=TOKEN).json()
        assert body["timezone"] == "America/New_York"
        lines = body["thresholds"]
        assert lines["db_storage_pct"] == 90.0
        assert lines["web_vitals_lcp_p75_ms"] == 5000.0 and lines["web_vitals_cls_p75"] == 0.2
        assert "db_backup_age_h" not in lines
        config.write_text("[alerts.database_storage]\nthreshold = 900\n")  # out of range
        invalid = server.get("/api/criteria", headers=TOKEN)
        assert invalid.status_code == 200
        assert invalid.json()["thresholds"]["db_storage_pct"] == 80.0
