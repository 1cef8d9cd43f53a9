"""The `[escalation]` policy: its defaults from the guide, validation, levels due, rotation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lib.alerts.config_state import check_rules
from lib.alerts.escalation import channels_between, due_level, on_call, steps
from lib.core.config import ConfigError, load_settings
from lib.core.config_problems import ProblemError
from lib.core.escalation_config import GUIDE_LEVELS, EscalationPolicy
from lib.core.monitor_config import parse_monitor_config

MONDAY_W47 = datetime(2026, 11, 16, 3, 0, tzinfo=UTC)  # ISO week 47


def test_defaults_are_the_guides_four_levels_and_minutes() -> None:
    policy = parse_monitor_config("[escalation]\n").escalation
    assert policy is not None
    assert (
        [level.name for level in policy.levels]
        == list(GUIDE_LEVELS)
        == [
            "Development Team",
            "Senior DevOps Engineer",
            "Technical Director",
            "Business Stakeholders",
        ]
    )
    assert (steps(policy, "critical"), steps(policy, "warning"), steps(policy, "info")) == (
        [0, 15, 60, 240],
        [0, 1440],
        [],
    )
    assert parse_monitor_config("").escalation is None  # no section: today's behaviour


@pytest.mark.parametrize(
    ("minutes", "level"),
    [(0, 1), (14.9, 1), (15, 2), (59, 2), (60, 3), (239, 3), (240, 4), (9999, 4)],
)
def test_critical_level_due(minutes: float, level: int) -> None:
    assert due_level(EscalationPolicy(), "critical", timedelta(minutes=minutes)) == level


def test_warning_and_info_levels_due() -> None:
    policy = EscalationPolicy()
    assert due_level(policy, "warning", timedelta(hours=23)) == 1
    assert due_level(policy, "warning", timedelta(hours=24)) == 2
    assert due_level(policy, "info", timedelta(days=3)) == 0  # reports only


@pytest.mark.parametrize(
    "toml",
    [
        "[escalation.after_minutes]\ncritical = [5, 15]\n",  # must start at 0
        "[escalation.after_minutes]\ncritical = [0, 60, 15]\n",  # must increase
        '[[escalation.levels]]\nname = "A"\nchannels = ["Not A Channel"]\n',
        '[[escalation.levels]]\nname = "A"\nphone = "+49"\n',  # unknown key
    ],
)
def test_invalid_policy_is_refused(toml: str) -> None:
    with pytest.raises(ProblemError):
        parse_monitor_config(toml)


def test_unknown_channel_is_a_configuration_error_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "monitoring.toml"
    config.write_text('[[escalation.levels]]\nname = "Team"\nchannels = ["slackk"]\n')
    with pytest.raises(ConfigError) as error:
        check_rules(load_settings(monitor_config=str(config)))
    assert "escalation.levels" in str(error.value) and "slackk" in str(error.value)


def test_weekly_rotation_and_on_call() -> None:
    policy = parse_monitor_config(
        '[[escalation.levels]]\nname = "Team"\nchannels = ["webhook"]\n'
        '[[escalation.levels]]\nname = "DevOps"\nchannels = ["webhook"]\ncontacts = ["+49 1"]\n'
        'rotation = [{ name = "Anna" }, { name = "Ben", channel = "email" }]\n'
        "[escalation.after_minutes]\ncritical = [0, 15]\nwarning = [0]\n"
    ).escalation
    assert policy is not None
    week_47, week_48 = MONDAY_W47, MONDAY_W47 + timedelta(days=7)
    # Week 47: entry (47 - 1) % 2 = 0, Anna, on the level's channels; week 48: Ben by e-mail.
    assert [(o.person, o.channels) for o in on_call(policy, week_47)] == [
        (None, ["webhook"]),
        ("Anna", ["webhook"]),
    ]
    assert on_call(policy, week_48)[1].model_dump() == {
        "level": 2,
        "name": "DevOps",
        "person": "Ben",
        "channels": ["email"],
        "contacts": ["+49 1"],
    }
    assert channels_between(policy, 1, 2, week_48) == ["webhook", "email"]
    assert on_call(None, week_47) == []
    assert steps(policy, "critical") == [0, 15]
    two_levels = EscalationPolicy(levels=policy.levels)  # default minutes, two levels: 0 and 15
    assert due_level(two_levels, "critical", timedelta(hours=5)) == 2
