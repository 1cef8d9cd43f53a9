"""docs/configuration.md names every setting (environment variable) and monitoring.toml key."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from lib.core.config import Settings
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
