"""[[checks]] and [[heartbeats]] in monitoring.toml (lib/core/synthetic_config.py)."""

from __future__ import annotations

import pytest

from lib.core.config_problems import ProblemError
from lib.core.monitor_config import parse_monitor_config


def problems(text: str) -> list[str]:
    with pytest.raises(ProblemError) as raised:
        parse_monitor_config(text)
    return [str(problem) for problem in raised.value.problems]


def test_a_full_example_parses() -> None:
    config = parse_monitor_config(
        """
[[checks]]
name = "home"
http = { url = "https://carbot.de/", conditions = { json_equals = { "$.ok" = true } } }

[[checks]]
name = "chat-lead"
[[checks.flow]]
name = "login"
method = "POST"
url = "https://carbot.de/api/login"
extract = { token = "$.token" }

[[heartbeats]]
name = "lead-sync"
token_env = "CARBOT_PING_LEAD_SYNC"
period = 3600
"""
    )
    assert [c.service for c in config.checks] == ["check:home", "check:chat-lead"]
    assert [c.kind for c in config.checks] == ["http", "flow"]
    assert config.heartbeats[0].grace == 3600


def test_mistakes_name_the_key_and_never_the_value() -> None:
    duplicate = '[[checks]]\nname = "a"\ndns = {}\n[[checks]]\nname = "a"\ndns = {}\n'
    assert any("repeated: a" in p for p in problems(duplicate))
    both = '[[checks]]\nname = "a"\ndns = {}\nhttp = { url = "https://x.example/" }\n'
    assert any("exactly one of http, dns or flow" in p for p in problems(both))
    secret = (
        '[[checks]]\nname = "a"\n'
        'http = { url = "https://x.example/", secret_env = "sk_live_9f8e7d" }\n'
    )
    found = problems(secret)
    assert any("not an environment variable name" in p for p in found)
    assert "sk_live_9f8e7d" not in " ".join(found)
    no_timing = '[[heartbeats]]\nname = "job"\ntoken_env = "T"\n'
    assert any("either period or schedule" in p for p in problems(no_timing))
    bad_zone = '[[heartbeats]]\nname = "job"\ntoken_env = "T"\nperiod = 60\ntz = "Mars/Base"\n'
    assert any("unknown time zone" in p for p in problems(bad_zone))
    typo = '[[checks]]\nname = "a"\nhttp = { url = "https://x.example/", conditons = {} }\n'
    assert any("conditons" in p for p in problems(typo))
