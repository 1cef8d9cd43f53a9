"""`python -m lib check-config`: settings and monitoring.toml validated before a deploy."""

from __future__ import annotations

from pathlib import Path

from lib.core.config import ConfigError, load_settings


def check_config(file: Path | None = None) -> list[str]:
    """One line per finding, problems first marked `error:`; raises nothing.

    `file` checks that TOML file instead of MONITOR_CONFIG / monitoring.toml (e.g. the example).
    """
    from lib.alerts.config_state import check_rules
    from lib.core.monitor_config import config_path

    try:
        settings = load_settings()
    except ConfigError as error:
        return [f"error: {error}"]
    lines = ["settings: ok"]
    if file is not None:
        settings = settings.model_copy(update={"monitor_config": str(file.resolve())})
    path = config_path(settings)
    try:
        loaded = check_rules(settings)
    except ConfigError as error:
        return [*lines, f"error: {error}"]
    name = path.name if path is not None else "monitoring.toml"
    what = "not present: the built-in defaults" if path is None else "ok"
    return [*lines, f"{name}: {what} ({len(loaded.rules)} alert rules enabled)"]
