"""Runbooks: the guide's procedures per alert rule and doctor check, with evidence filled in."""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

RUNBOOK_FILE = Path(__file__).with_name("runbooks.toml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Step(_Strict):
    """`text`, plus `evidence` appended when every placeholder it names is known."""

    text: str
    evidence: str | None = None


class Runbook(_Strict):
    guide: str
    steps: list[Step | str]
    include: str | None = None


class RunbookFile(_Strict):
    procedures: dict[str, Runbook] = {}
    rules: dict[str, Runbook]
    checks: dict[str, Runbook] = {}


@cache
def runbooks() -> RunbookFile:
    """The data file, parsed and validated once per process (a typo is an error at load)."""
    with RUNBOOK_FILE.open("rb") as handle:
        loaded = RunbookFile.model_validate(tomllib.load(handle))
    for book in (*loaded.rules.values(), *loaded.checks.values()):
        if book.include is not None and book.include not in loaded.procedures:
            raise ValueError(f"runbooks.toml: unknown procedure {book.include!r}")
    return loaded


def rule_runbook(key: str, evidence: Mapping[str, object]) -> list[str]:
    """Steps for an alert key (`rule` or `rule:instance`): the instance's own, else its family's."""
    books = runbooks().rules
    family = key.partition(":")[0]
    book = books.get(key) or books.get(family) or books["default"]
    return render(book, evidence)


def check_runbook(check_id: str, evidence: Mapping[str, object]) -> list[str]:
    """Steps for a doctor check; none for a check the file does not know."""
    book = runbooks().checks.get(check_id)
    return render(book, evidence) if book is not None else []


def render(book: Runbook, evidence: Mapping[str, object]) -> list[str]:
    """Each step as one line; `include` appends its shared procedure (e.g. the outage steps)."""
    steps = list(book.steps)
    if book.include is not None:
        steps += runbooks().procedures[book.include].steps
    known = {k: str(v) for k, v in evidence.items() if v is not None and str(v) != ""}
    return [_line(step, known) for step in steps]


def _line(step: Step | str, known: Mapping[str, str]) -> str:
    if isinstance(step, str):
        return step
    if step.evidence is None or not set(_placeholders(step.evidence)) <= known.keys():
        return step.text
    return f"{step.text}: {step.evidence.format_map(known)}"


def _placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]
