"""lib/core/config_problems.py: locating a key of monitoring.toml by line, and a TOML syntax
problem named by line and key, never by value."""

from __future__ import annotations

import pytest

from lib.core.config_problems import key_line, syntax_problem

TEXT = """# comment
[metrics.leads]
table = "leads"

[alerts.cron_late]
jobs = { health_check = 0.5 }
alerts.x.y = 1

[[maintenance]]
reason = "a"
[[maintenance]]
reason = "b"
"""


@pytest.mark.parametrize(
    ("key", "line"),
    [
        (("metrics", "leads", "table"), 3),
        (("metrics", "leads", "column"), 2),  # not written: its table's header
        (("alerts", "cron_late", "jobs", "helth"), 6),  # inside an inline table: its line
        (("alerts", "cron_late", "alerts", "x", "y"), 7),  # a dotted key
        (("maintenance", 1, "reason"), 12),  # the second [[maintenance]] item
        (("nowhere",), None),
    ],
)
def test_key_line(key: tuple[str | int, ...], line: int | None) -> None:
    assert key_line(TEXT, key) == line


def test_syntax_problem_names_line_and_key_not_value() -> None:
    problem = syntax_problem(
        "m.toml", "a = 1\nsecret = 'abc\n", "Unterminated string (at line 2, column 10)"
    )
    assert problem.describe() == "m.toml line 2: secret: invalid TOML: Unterminated string"
    at_end = syntax_problem("m.toml", "a = [\n1,\n", "Unclosed array (at end of document)")
    assert at_end.line == 2
