"""docs/configuration.md names every setting (environment variable) and monitoring.toml key."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from lib.core.config import Settings, SettingsSection
from lib.core.monitor_config import MonitorConfig

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = (ROOT / "docs" / "configuration.md").read_text()


def documented(name: str) -> bool:
    """As code (`NAME`, `name = …`, `[section.name]`, `name.key`), not just a word in prose."""
    pattern = rf"(`|\[|\.|^|\s){re.escape(name)}(`|\]|\s*=|\.)"
    return re.search(pattern, REFERENCE, re.MULTILINE) is not None


def models_in(annotation: object) -> Iterator[type[BaseModel]]:
    """Pydantic models inside an annotation (Optional, list[...], dict[..., Model])."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for argument in typing.get_args(annotation):
            yield from models_in(argument)


def toml_keys(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    keys = set()
    for name, field in model.model_fields.items():
        keys.add(field.alias or name)
        for inner in models_in(field.annotation):
            keys |= toml_keys(inner, seen)
    return keys


def test_every_setting_is_documented() -> None:
    names = sorted(name.upper() for name in Settings.model_fields)
    assert len(names) > 20
    missing = [name for name in names if not documented(name)]
    assert missing == [], f"docs/configuration.md does not document {missing}"


def test_every_toml_key_is_documented() -> None:
    keys = sorted(toml_keys(MonitorConfig))
    assert {"metrics", "alerts", "maintenance", "threshold", "weekly"} <= set(keys)
    missing = [key for key in keys if not documented(key)]
    assert missing == [], f"docs/configuration.md does not document monitoring.toml keys {missing}"


def test_the_check_itself_finds_a_missing_name() -> None:
    assert not documented("NOT_A_SETTING_ANYWHERE")
    assert documented("HEALTH_TIMEOUT_MS")


# -- .env.example ----------------------------------------------------------------------------------

ENV_EXAMPLE = ROOT / ".env.example"


def env_example() -> dict[str, str]:
    """`# NAME=value` lines of .env.example: every setting, commented out with its example."""
    found = re.findall(r"^# ([A-Z][A-Z0-9_]*)=(.*)$", ENV_EXAMPLE.read_text(), re.MULTILINE)
    names = [name for name, _ in found]
    assert len(names) == len(set(names)), "a setting listed twice"
    return dict(found)


def test_env_example_lists_every_setting() -> None:
    listed = env_example()
    import lib.alerts.ack_link  # registers ACK_SECRET and MONITOR_URL
    import lib.notify.channels  # noqa: F401 - registers the channels' settings sections

    sections = SettingsSection.registered
    settings = {name.upper() for name in Settings.model_fields}
    settings |= {env for section in sections for env in section.env_names().values()}
    assert sorted(settings - set(listed)) == [], ".env.example misses these settings"
    assert sorted(set(listed) - settings) == [], ".env.example lists settings that do not exist"
    # Uncommented as they stand, the examples are valid settings.
    example = Settings(_env_file=None, **{name.lower(): v for name, v in listed.items() if v})  # type: ignore[call-arg]
    assert all(example.section(section) for section in sections)
    active = [line for line in ENV_EXAMPLE.read_text().splitlines() if line and line[0] != "#"]
    assert active == [], "copied to .env as it is, the file sets nothing"


# -- duplicated settings, broken tables, links -----------------------------------------------------

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
CODE = re.compile(r"`[^`\n]*`")  # inline code shows syntax (`[text](url)`), it links nothing
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def tables(text: str) -> list[list[str]]:
    """Markdown tables as runs of `|` lines (a blank line ends a table)."""
    found: list[list[str]] = []
    previous = ""
    for line in FENCE.sub("", text).splitlines():
        if line.startswith("|"):
            if previous.startswith("|"):
                found[-1].append(line)
            else:
                found.append([line])
        previous = line
    return found


def test_no_setting_is_listed_twice_and_every_table_has_its_header() -> None:
    text = (ROOT / "docs" / "configuration.md").read_text()
    names: list[str] = []
    for table in tables(text):
        assert len(table) >= 2 and re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", table[1]), (
            f"a table without its header row (a blank line inside a table?): {table[0]}"
        )
        for row in table[2:]:
            names += re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])
    duplicated = sorted({name for name in names if names.count(name) > 1})
    assert duplicated == [], f"docs/configuration.md lists these settings twice: {duplicated}"
    assert {name.upper() for name in Settings.model_fields} <= set(names)


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *$", FENCE.sub("", path.read_text()), re.MULTILINE):
        base = slug(heading)
        name, n = base, 0
        while name in found:  # a repeated heading gets -1, -2 ...
            n += 1
            name = f"{base}-{n}"
        found.add(name)
    return found


def broken(source: Path, target: str) -> str | None:
    """Why a link from `source` does not resolve, or None."""
    path, _, anchor = target.partition("#")
    file = (source.parent / path).resolve() if path else source
    if not file.exists():
        return f"{source.name}: {target}: no such file"
    if anchor and file.suffix == ".md" and anchor not in anchors(file):
        return f"{source.name}: {target}: no heading #{anchor} in {file.name}"
    return None


def test_every_internal_link_resolves() -> None:
    problems = [
        problem
        for doc in DOCS
        for target in LINK.findall(CODE.sub("", FENCE.sub("", doc.read_text())))
        if not re.match(r"[a-z]+:", target) and (problem := broken(doc, target))
    ]
    assert problems == []


def test_the_example_toml_points_to_sections_that_exist() -> None:
    example = ROOT / "monitoring.example.toml"
    text = example.read_text()
    readme = anchors(ROOT / "README.md")
    problems = [
        f'README "{s}"' for s in re.findall(r'README "([^"]+)"', text) if slug(s) not in readme
    ]
    targets = re.findall(r"\b(docs/[\w.-]+\.md(?:#[\w-]+)?)", text)
    assert targets, "the example points to the docs"
    problems += [problem for target in targets if (problem := broken(ROOT / "x", target))]
    assert problems == []


def test_the_link_check_itself_finds_a_broken_link() -> None:
    readme = ROOT / "README.md"
    assert broken(readme, "docs/configuration.md#environment-variables") is None
    assert broken(readme, "docs/operations.md#heartbeat-the-monitors-own-absence") is None
    assert broken(readme, "docs/configuration.md#no-such-heading") is not None
    assert broken(readme, "docs/nothing.md") is not None
    assert slug("An invalid monitoring.toml at run time") == "an-invalid-monitoringtoml-at-run-time"
