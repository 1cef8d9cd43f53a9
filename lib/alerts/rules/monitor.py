"""The monitor's own rules: its configuration is valid, its store is reachable."""

from __future__ import annotations

from lib.alerts.rules.base import BaseRule, Observation, RuleContext

ANY = (float("-inf"), float("inf"))  # these rules have no threshold to configure


class ConfigInvalid(BaseRule):
    """monitoring.toml could not be used: the crons run with the built-in defaults meanwhile.

    `problem` (file, line, key and what is wrong, never a value) is set by
    lib.alerts.config_state.load_rules when the file fails; the rule itself reads nothing.
    """

    name = "config_invalid"
    title = "Configuration error"
    unit = "problems"
    daily = True  # both crons load the file, both report it
    threshold_range = ANY
    problem: str | None = None

    def observe(self, ctx: RuleContext) -> list[Observation]:
        if self.problem is None:
            return [self.observation("ok", 0.0, "monitoring.toml is valid")]
        count = self.problem.count("; ") + 1
        message = f"{self.problem}; running with the built-in defaults until it is fixed"
        return [self.observation("firing", count, message)]


class StoreUnreachable(BaseRule):
    """The monitor's store (CarBot's database) was unreachable; sent directly while it lasts.

    While the store is down the health check notifies every channel itself (lib/jobs/store_down);
    the first run that reaches the store again records the episode (lib/alerts/outage) and this
    rule, observed only by runs that reach the store, resolves it through the state machine.
    """

    name = "store_unreachable"
    title = "Monitor store unreachable"
    default_severity = "critical"
    threshold_range = ANY

    def observe(self, ctx: RuleContext) -> list[Observation]:
        return [self.observation("ok", None, "the monitor reaches its store and records checks")]
