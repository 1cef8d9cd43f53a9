"""monitoring.toml: metric sources, alert rule overrides and maintenance windows (validated)."""

from __future__ import annotations

import tomllib
from datetime import datetime, time
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    Field,
    HttpUrl,
    ValidationError,
)

from lib.core.components import Component, StatusOptions
from lib.core.config import Settings
from lib.core.config_problems import ConfigProblem, ProblemError, keyed_problem, syntax_problem
from lib.core.escalation_config import EscalationPolicy
from lib.core.maintenance_config import MaintenanceWindow
from lib.core.synthetic_config import CheckList, HeartbeatList
from lib.core.toml_types import STRICT, ClockTime, Identifier, TimeZoneName, Weekday

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FILE = ROOT / "monitoring.toml"


class Strict(BaseModel):
    """The base of every section: unknown keys and wrong types are errors (STRICT)."""

    model_config = STRICT


class TableSource(Strict):
    """A CarBot table counted per day: rows whose `column` is in the day, optionally filtered."""

    table: Identifier
    column: Identifier = "created_at"
    filter_column: Identifier | None = None
    filter_value: str | None = None


class MetricSources(Strict):
    """Where the business counts come from (docs/metrics.md defaults)."""

    registrations: TableSource = TableSource(table="workshops")
    leads: TableSource = TableSource(table="leads")
    chat_conversations: TableSource = TableSource(table="chat_conversations")


class ActivitySource(TableSource):
    """Rows that mark a workshop active (retention): `id_column` names the workshop."""

    id_column: Identifier = "workshop_id"


class SatisfactionSource(TableSource):
    """Feedback rows; those with `positive_column` = `positive_value` count as satisfied."""

    positive_column: Identifier
    positive_value: str = "true"


class ReportSources(Strict):
    """[reports.*]: optional count sources of the weekly and monthly reports."""

    support_tickets: TableSource | None = None
    activity: ActivitySource | None = None
    satisfaction: SatisfactionSource | None = None
    feature_usage: dict[Identifier, TableSource] = {}


class RuleOverride(Strict):
    """Per-rule overrides of docs/alerts.md defaults; rule-specific options live beside them."""

    enabled: bool = True
    threshold: float | None = None
    severity: Literal["critical", "warning", "info"] | None = None
    source: TableSource | None = None  # rules that read a table (failed logins)
    jobs: dict[Identifier, float] | None = None  # cron_late: hours allowed per job
    min_requests: int | None = Field(None, ge=1)  # traffic rules: quieter windows are not judged


ProviderName = Literal["vercel", "supabase", "stripe", "openai", "resend"]


class ProviderOverride(Strict):
    """`[providers.<name>]`: where a vendor's public status lives (lib/providers has defaults)."""

    enabled: bool = True
    kind: Literal["statuspage", "feed"] | None = None  # Statuspage v2 summary.json, or RSS/Atom
    url: HttpUrl | None = None


class TrafficOptions(Strict):
    """[traffic]: how drain records are grouped (docs/traffic.md)."""

    max_routes: int = Field(50, ge=1, le=500)  # route groups kept; the rest count as "other"
    max_deployments: int = Field(50, ge=1, le=500)  # deployments kept; the rest count as "other"
    # Days a route group or deployment may go unseen before it gives its slot back.
    idle_days: int = Field(7, ge=1, le=35)
    # Days of minute buckets kept (hour and day buckets: 35). At least 2: deployment_regression
    # compares the 2 hours before a promote with the day after it from minute buckets.
    minute_days: int = Field(3, ge=2, le=35)


class PlatformConfig(Strict):
    """[platform]: the Supabase Management API checks (lib/platform)."""

    warn_without_pitr: bool = True  # backup_stale warning: a paid project without PITR
    failed_logins_from_auth_logs: bool = True  # with a token: failed_logins reads the Auth logs
    top_ips: int = 5  # failed_logins: how many client IPs the alert names (truncated)


ANOMALY_METRICS = (
    "registrations",
    "leads",
    "chat_conversations",
    "payments_succeeded",
    "revenue_cents",
    "emails_sent",
    "requests",
)


GermanState = Literal[
    "BB", "BE", "BW", "BY", "HB", "HE", "HH", "MV", "NI", "NW", "RP", "SH", "SL", "SN", "ST", "TH"
]


class BusinessHours(Strict):
    """When activity is expected (activity_missing): weekdays and [start, end) local time."""

    days: list[Weekday] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    start: ClockTime = time(8, 0)
    end: ClockTime = time(18, 0)
    timezone: TimeZoneName = "Europe/Berlin"


class AnomalyConfig(Strict):
    """[anomalies]: same-weekday baselines of business metrics (anomaly:*, activity_missing:*)."""

    metrics: list[str] = list(ANOMALY_METRICS)
    weeks: int = 8  # same weekdays compared
    min_history: int = 4  # fewer comparable days: `unknown`
    holiday_state: GermanState = "BY"  # whose public holidays (codes of the holidays package)
    minimum: dict[str, float] = {"revenue_cents": 5000.0}  # least |difference| that alerts
    default_minimum: float = 3.0
    activity_metrics: list[str] = ["leads", "chat_conversations"]  # CarBot tables, intraday
    # activity_missing fires when the same hours of this many earlier same weekdays had rows
    activity_weeks: int = 4
    business_hours: BusinessHours = BusinessHours()


class MonitorConfig(Strict):
    """The whole of monitoring.toml; every section optional."""

    metrics: MetricSources = MetricSources()
    alerts: dict[str, RuleOverride] = {}
    maintenance: list[MaintenanceWindow] = []
    reports: ReportSources = ReportSources()
    providers: dict[ProviderName, ProviderOverride] = {}
    traffic: TrafficOptions = TrafficOptions()
    platform: PlatformConfig = PlatformConfig()
    anomalies: AnomalyConfig = AnomalyConfig()
    checks: CheckList = []  # [[checks]] and [[heartbeats]]: lib/core/synthetic_config.py
    heartbeats: HeartbeatList = []
    components: list[Component] = []  # lib/core/components.py; [status] beside them
    status: StatusOptions = StatusOptions()
    escalation: EscalationPolicy | None = None  # lib/core/escalation_config.py

    def active_maintenance(self, moment: datetime) -> MaintenanceWindow | None:
        return next((w for w in self.maintenance if w.active_at(moment)), None)


def config_path(settings: Settings) -> Path | None:
    """MONITOR_CONFIG (relative to the project root) or monitoring.toml if present."""
    if settings.monitor_config:
        path = Path(settings.monitor_config)
        return path if path.is_absolute() else ROOT / path
    return DEFAULT_FILE if DEFAULT_FILE.is_file() else None


def parse_monitor_config(text: str, name: str = "monitoring.toml") -> MonitorConfig:
    """The validated file; a ProblemError names file, line and key of each problem (no value)."""
    try:
        return MonitorConfig.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as error:
        raise ProblemError([syntax_problem(name, text, str(error))]) from None
    except ValidationError as error:
        raise ProblemError(
            [
                keyed_problem(name, text, e["loc"], e["msg"].removeprefix("Value error, "))
                for e in error.errors(include_url=False, include_input=False)
            ]
        ) from None


def config_source(settings: Settings) -> tuple[str, str] | None:
    """(file name, text) of the monitoring.toml in use; None without one (or unreadable)."""
    path = config_path(settings)
    try:
        return (path.name, path.read_text()) if path is not None else None
    except OSError:
        return None


def load_monitor_config(settings: Settings) -> MonitorConfig:
    path = config_path(settings)
    if path is None:
        return MonitorConfig()
    return _load(path, path.stat().st_mtime if path.is_file() else 0.0)


@cache
def _load(path: Path, mtime: float) -> MonitorConfig:
    try:
        text = path.read_text()
    except OSError:
        problem = ConfigProblem(file=path.name, message="cannot read the file (does it exist?)")
        raise ProblemError([problem]) from None
    return parse_monitor_config(text, path.name)
