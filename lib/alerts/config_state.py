"""monitoring.toml for the crons: a bad file never stops monitoring, it raises config_invalid.

At run time an invalid file (syntax, unknown key, wrong type, out-of-range threshold, unknown job)
makes the crons run with the built-in defaults and fire `config_invalid`, naming the file, line
and key. `python -m lib check-config` and `python -m lib dev` use the strict form instead.
"""

from __future__ import annotations

from typing import NamedTuple

from lib.alerts.rules import BaseRule, build_rules
from lib.alerts.rules.monitor import ConfigInvalid
from lib.core.config import ConfigError, Settings
from lib.core.config_problems import KeyedConfigError, ProblemError, keyed_problem
from lib.core.log import log
from lib.core.monitor_config import MonitorConfig, config_source, load_monitor_config

PREFIX = "MONITOR_CONFIG: "


class LoadedRules(NamedTuple):
    """The configuration in force, its enabled rules, and why the file was not used (if so)."""

    config: MonitorConfig
    rules: list[BaseRule]
    problem: str | None


def _describe(settings: Settings, error: ConfigError) -> str:
    """File, line and key of the problem; build_rules' errors are located in the file here."""
    if isinstance(error, KeyedConfigError):
        source = config_source(settings)
        if source is not None:
            name, text = source
            return keyed_problem(name, text, error.key, error.message).describe()
    if isinstance(error, ProblemError):
        return "; ".join(p.describe() for p in error.problems)
    return str(error).removeprefix(PREFIX)


def check_rules(settings: Settings) -> LoadedRules:
    """Strict: the configured file and its rules, or a ConfigError naming file, line and key."""
    try:
        config = load_monitor_config(settings)
        _check_channels(config)
        return LoadedRules(config, build_rules(config), None)
    except ConfigError as error:
        raise ConfigError(PREFIX + _describe(settings, error)) from None


def _check_channels(config: MonitorConfig) -> None:
    """Every channel an escalation level names is one lib/notify/channels registers."""
    if config.escalation is None:
        return
    from lib.alerts.escalation import unknown_channels
    from lib.notify.channels import CHANNELS

    known = {channel.name for channel in CHANNELS}
    for index, level in enumerate(config.escalation.levels):
        if unknown := unknown_channels(
            config.escalation.model_copy(update={"levels": [level]}), known
        ):
            message = f"unknown channel {unknown[0]!r}; known: {', '.join(sorted(known))}"
            raise KeyedConfigError(("escalation", "levels", index, "channels"), message)


def load_rules(settings: Settings) -> LoadedRules:
    """For the crons and the status: the configured rules, else the defaults and the problem."""
    try:
        return check_rules(settings)
    except ConfigError as error:
        problem = str(error).removeprefix(PREFIX)
    log.warning("monitoring.toml is invalid, running with the built-in defaults: %s", problem)
    config = MonitorConfig()
    rules = build_rules(config)
    for rule in rules:
        if isinstance(rule, ConfigInvalid):
            rule.problem = problem
    return LoadedRules(config, rules, problem)
