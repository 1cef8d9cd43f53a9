"""What every alert rule shares: the observation it makes, the context it reads, its base class."""

from __future__ import annotations

import ssl
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import ClassVar, Literal

from pydantic import BaseModel

from lib.core.errors import ConfigError
from lib.core.monitor_config import MonitorConfig, RuleOverride, load_monitor_config
from lib.drains.signals import VisitorSignals
from lib.drains.store import visitor_signals
from lib.store import DatabaseStats, StoreError
from lib.store.run_context import RunContext

ObservedState = Literal["firing", "ok", "settling", "unknown", "not_configured"]
Severity = Literal["critical", "warning", "info"]

HOUR = timedelta(hours=1)


class Observation(BaseModel):
    """What one rule saw for one alert key. `settling` and `unknown` leave the state as it is."""

    key: str
    rule: str
    title: str
    state: ObservedState
    severity: Severity
    threshold: float
    unit: str
    value: float | None = None
    message: str = ""


@dataclass
class RuleContext(RunContext):
    """What rules may read: the run's store, settings and clock, and which cron is asking."""

    current_job: str | None = None  # a cron does not judge its own lateness
    ssl_context: ssl.SSLContext | None = None  # tests trust their own CA
    # The monitoring.toml in force (the evaluation's; the defaults when the file is invalid).
    config: MonitorConfig | None = None

    def monitor_config(self) -> MonitorConfig:
        """The configuration in force: an invalid file means the built-in defaults, never a
        failed rule (config_invalid reports the file)."""
        if self.config is None:
            try:
                self.config = load_monitor_config(self.settings)
            except ConfigError:
                self.config = MonitorConfig()
        return self.config

    @property
    def yesterday(self) -> date:
        """The last complete day in METRICS_TIMEZONE: what the daily metrics cron computes."""
        return self.now.astimezone(self.settings.metrics_timezone).date() - timedelta(days=1)

    def metrics(self, day: date) -> dict[str, float]:
        return self.remember(("metrics", day), lambda: self.store.metrics_of_day(day))

    def database_stats(self, slow_ms: float) -> DatabaseStats:
        """monitoring_database_stats (a heavy call), fetched once per run and slow_ms."""
        return self.remember(
            ("database_stats", slow_ms), lambda: self.store.database_stats(slow_ms)
        )

    def visitor_signals(self) -> VisitorSignals:
        """Edge, visitor and capacity signals: one store call a run for all of these rules."""

        def read() -> VisitorSignals | StoreError:
            try:
                return visitor_signals(self.store, self.now)
            except StoreError as error:  # every rule reading it is unknown, none asks again
                return error

        signals = self.remember("visitor_signals", read)
        if isinstance(signals, StoreError):
            raise signals
        return signals

    def database_size(self) -> int:
        """Bytes the database uses: from stats this run already fetched, whatever their slow_ms
        (only the slow query list depends on it)."""
        fetched = next((v for k, v in self.memo.items() if k[0] == "database_stats"), None)
        return (fetched or self.store.database_stats()).storage_bytes


@dataclass
class BaseRule(ABC):
    """Shared fields; subclasses set the class attributes and implement `observe`."""

    threshold: float
    severity: Severity
    options: RuleOverride = field(default_factory=RuleOverride)

    name = ""
    title = ""
    unit = ""
    daily = False
    default_threshold = 0.0
    default_severity: Severity = "warning"
    threshold_range: tuple[float, float] = (0.0, float("inf"))
    # Which rule-specific options of RuleOverride this rule reads (others are config errors).
    options_taken: ClassVar[frozenset[str]] = frozenset()
    # Days up to yesterday whose metrics the rule reads as a series (the health check reads them
    # in its one read).
    series_days: ClassVar[int] = 0

    @abstractmethod
    def observe(self, ctx: RuleContext) -> list[Observation]:
        """What the rule sees now: one Observation per alert key (`name`, or `name:<instance>`
        for a rule watching several things); `not_configured`/`unknown` when it cannot tell."""

    def observation(
        self,
        state: ObservedState,
        value: float | None = None,
        message: str = "",
        key: str | None = None,
        threshold: float | None = None,
    ) -> Observation:
        """`threshold` when the key has its own (a cron job's hours), else the rule's."""
        instance = key.partition(":")[2] if key else ""
        return Observation(
            key=key or self.name,
            rule=self.name,
            title=f"{self.title} ({instance})" if instance else self.title,
            state=state,
            severity=self.severity,
            threshold=self.threshold if threshold is None else threshold,
            unit=self.unit,
            value=None if value is None else round(value, 3),
            message=message,
        )

    def above(
        self, value: float, message: str, key: str | None = None, threshold: float | None = None
    ) -> Observation:
        """Fires when value > threshold (every rule but the certificate)."""
        limit = self.threshold if threshold is None else threshold
        return self.observation("firing" if value > limit else "ok", value, message, key, limit)


def percent(part: float, whole: float) -> float:
    return 100.0 * part / whole
