"""Gatus-style conditions on one HTTP answer; the first that fails is the reason (secret-free)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lib.checks.jsonpath import MISSING, as_text, find
from lib.core.synthetic_config import Conditions


@dataclass
class Answer:
    """What a request got: status, headers, body text, time, and the certificate's days left."""

    status: int
    headers: dict[str, str]  # names lower-case
    body: str
    latency_ms: int
    certificate_days: float | None = None
    _json: Any = field(default=MISSING, repr=False)

    def json(self) -> Any:
        if self._json is MISSING:
            try:
                self._json = json.loads(self.body)
            except ValueError:
                self._json = None
        return self._json


def _quoted(text: str, limit: int = 40) -> str:
    """Configured text in a reason, cut (config only: an answer's own text is never echoed)."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def first_failure(conditions: Conditions, answer: Answer) -> str | None:
    """None when every condition holds, else the first failing one in words."""
    if conditions.status is None:
        if not 200 <= answer.status < 300:
            return f"status {answer.status} (expected 2xx)"
    elif answer.status not in conditions.status:
        expected = ", ".join(str(s) for s in conditions.status)
        return f"status {answer.status} (expected {expected})"
    limit = conditions.max_response_ms
    if limit is not None and answer.latency_ms > limit:
        return f"response time {answer.latency_ms} ms (limit {limit} ms)"
    for text in conditions.body_contains:
        if text not in answer.body:
            return f"body does not contain {_quoted(text)}"
    for text in conditions.body_not_contains:
        if text in answer.body:
            return f"body contains {_quoted(text)}"
    for path, expected in conditions.json_equals.items():
        value = find(answer.json(), path)
        if value is MISSING:
            return f"JSON {path} is missing"
        if as_text(value) != as_text(expected):
            return f"JSON {path} is not {_quoted(as_text(expected))}"
    for path in conditions.json_present:
        if find(answer.json(), path) in (MISSING, None, "", [], {}):
            return f"JSON {path} is missing or empty"
    for name, expected in conditions.headers.items():
        if answer.headers.get(name.lower()) != expected:
            return f"header {name} is not {_quoted(expected)}"
    days = conditions.min_certificate_days
    if days is not None:
        if answer.certificate_days is None:
            return "no TLS certificate to check (not https?)"
        if answer.certificate_days < days:
            return f"certificate expires in {answer.certificate_days:.0f} days (minimum {days})"
    return None
