"""A monitoring.toml problem as file, line and key (never a value), for alerts and check-config."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel

from lib.core.errors import ConfigError

Key = Sequence[str | int]

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_ASSIGN = re.compile(r"^\s*([A-Za-z0-9_\-.\"' ]+?)\s*=")
_TOML_LINE = re.compile(r"\(at (?:line (\d+), column \d+|end of document)\)")


class ConfigProblem(BaseModel):
    """Where monitoring.toml is wrong and what is wrong, in words that never quote a value."""

    file: str
    line: int | None = None
    key: str | None = None
    message: str

    def describe(self) -> str:
        where = self.file + (f" line {self.line}" if self.line else "")
        return f"{where}: {self.key + ': ' if self.key else ''}{self.message}"


class KeyedConfigError(ConfigError):
    """A ConfigError that knows which key of monitoring.toml it is about (for the line number)."""

    def __init__(self, key: Key, message: str) -> None:
        super().__init__(f"MONITOR_CONFIG: {dotted(key)}: {message}")
        self.key = tuple(key)
        self.message = message


def dotted(key: Key) -> str:
    return ".".join(str(part) for part in key) or "top level"


def _parts(written: str) -> list[str]:
    return [part.strip().strip("\"'") for part in written.split(".")]


def key_line(text: str, key: Key) -> int | None:
    """1-based line where `key` (or the longest written prefix of it) is set; None if nowhere.

    Follows `[table]` and `[[array]]` headers (array items are counted, as pydantic's locations
    count them) and dotted keys; a key inside an inline table resolves to the line that opens it.
    """
    wanted = tuple(key)
    table: tuple[str | int, ...] = ()
    arrays: dict[tuple[str | int, ...], int] = {}
    best: tuple[int, int] | None = None  # (matched length, line)
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            path = tuple(_parts(header.group(2)))
            if header.group(1) == "[[":
                arrays[path] = arrays.get(path, -1) + 1
                path = (*path, arrays[path])
            table = path
            candidate = table
        else:
            assign = _ASSIGN.match(line)
            if not assign or line.lstrip().startswith("#"):
                continue
            candidate = (*table, *_parts(assign.group(1)))
        matched = 0
        for have, want in zip(candidate, wanted, strict=False):
            if str(have) != str(want):
                break
            matched += 1
        if matched == len(candidate) and matched and (best is None or matched > best[0]):
            best = (matched, number)
    return best[1] if best else None


def syntax_problem(file: str, text: str, message: str) -> ConfigProblem:
    """A TOML syntax error: tomllib's words name the line; the key is whatever that line assigns."""
    found = _TOML_LINE.search(message)
    line = None
    if found:
        line = int(found.group(1)) if found.group(1) else max(1, len(text.splitlines()))
    key = None
    if line is not None and line <= len(text.splitlines()):
        assign = _ASSIGN.match(text.splitlines()[line - 1])
        key = assign.group(1).strip() if assign else None
    words = _TOML_LINE.sub("", message).strip().rstrip(".")
    return ConfigProblem(file=file, line=line, key=key, message=f"invalid TOML: {words}")


def keyed_problem(file: str, text: str, key: Key, message: str) -> ConfigProblem:
    return ConfigProblem(file=file, line=key_line(text, key), key=dotted(key), message=message)


class ProblemError(ConfigError):
    """monitoring.toml is invalid: the message is the problem's file, line, key and words."""

    def __init__(self, problems: Sequence[ConfigProblem]) -> None:
        super().__init__("MONITOR_CONFIG: " + "; ".join(p.describe() for p in problems))
        self.problems = list(problems)
