"""monitoring.toml parsing, clear errors, and maintenance windows across DST."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from lib.core.config import ConfigError, load_settings
from lib.core.monitor_config import MonitorConfig, load_monitor_config, parse_monitor_config

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_match_carbot_tables() -> None:
    config = MonitorConfig()
    assert (config.metrics.leads.table, config.metrics.leads.column) == ("leads", "created_at")
    assert config.metrics.registrations.table == "workshops"
    assert config.metrics.chat_conversations.table == "chat_conversations"


def test_example_file_parses_to_the_defaults() -> None:
    assert parse_monitor_config((ROOT / "monitoring.example.toml").read_text()) == MonitorConfig()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[metrics.leads\n", "line 1: invalid TOML"),
        ('[metrics.leads]\ntable = "leads; drop"\n', "line 2: metrics.leads.table: not a plain"),
        ("[metrics.leads]\ntabel = 'leads'\n", "line 2: metrics.leads.tabel: Extra inputs"),
        ("[alerts.x]\nthreshold = 'high'\n", "line 2: alerts.x.threshold: Input should be a valid"),
        ("[[maintenance]]\nreason = 'x'\n", "line 1: maintenance.0: give either start and end"),
        (
            "[[maintenance]]\nweekly = { day = 'sunday', start = 02:00:00, end = 03:00:00, "
            "timezone = 'Mars/Base' }\n",
            "unknown time zone",
        ),
    ],
)
def test_bad_config_names_the_place(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_monitor_config(text)
    assert str(caught.value).startswith("MONITOR_CONFIG: monitoring.toml line ")
    assert message in str(caught.value)
    for value in ("leads; drop", "high", "Mars/Base"):
        assert value not in str(caught.value), "a problem never quotes the value"


def test_monitor_config_setting(tmp_path: Path) -> None:
    path = tmp_path / "mon.toml"
    path.write_text('[metrics.leads]\ntable = "crm_leads"\ncolumn = "inserted_at"\n')
    settings = load_settings(monitor_config=str(path))
    assert load_monitor_config(settings).metrics.leads.table == "crm_leads"
    with pytest.raises(ConfigError):
        load_monitor_config(load_settings(monitor_config=str(tmp_path / "missing.toml")))


def test_one_off_and_weekly_windows() -> None:
    config = parse_monitor_config(
        """
[[maintenance]]
reason = "upgrade"
start = 2026-12-06T22:00:00+01:00
end = 2026-12-06T23:30:00+01:00

[[maintenance]]
reason = "weekly"
weekly = { day = "sunday", start = 23:30:00, end = 00:30:00, timezone = "Europe/Berlin" }
"""
    )
    at = datetime(2026, 12, 6, 21, 15, tzinfo=UTC)  # 22:15 Berlin
    assert config.active_maintenance(at).reason == "upgrade"  # type: ignore[union-attr]
    assert config.active_maintenance(datetime(2026, 12, 6, 22, 31, tzinfo=UTC)).reason == "weekly"  # type: ignore[union-attr]
    # Past midnight, still inside Sunday's window (Monday 00:15 Berlin).
    assert config.active_maintenance(datetime(2026, 12, 6, 23, 15, tzinfo=UTC)) is not None
    assert config.active_maintenance(datetime(2026, 12, 6, 23, 31, tzinfo=UTC)) is None
    # Summer time: Sunday 2026-07-05 23:45 Berlin is 21:45 UTC.
    assert config.active_maintenance(datetime(2026, 7, 5, 21, 45, tzinfo=UTC)) is not None
    assert config.active_maintenance(datetime(2026, 7, 5, 22, 45, tzinfo=UTC)) is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[alerts.failed_logins]\nthreshold = "2"\n', "line 2: alerts.failed_logins.threshold"),
        ('\n[alerts.tls_expiry]\nenabled = "false"\n', "line 3: alerts.tls_expiry.enabled"),
        ('[traffic]\nmax_routes = "50"\n', "line 2: traffic.max_routes"),
        ('[platform]\ntop_ips = "5"\n', "line 2: platform.top_ips"),
    ],
)
def test_a_wrong_type_is_refused_with_key_and_line(text: str, key: str) -> None:
    """A string where a number or boolean belongs is not quietly converted."""
    with pytest.raises(ConfigError) as caught:
        parse_monitor_config(text)
    assert key in str(caught.value)
