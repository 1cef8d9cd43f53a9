"""The /api/status JSON: its pydantic models (lib/endpoints/status.py builds and serves them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from lib.core.status_words import Page, PageService
from lib.endpoints.status_providers import ProviderView
from lib.status.model import Banner, ComponentView, IncidentView, MaintenanceView

# The words and what they mean: lib/core/status_words.py.
OverallWord = Page
ServiceWord = PageService
Window = Literal["24h", "7d", "30d"]
WINDOWS: dict[Window, str] = {"24h": "1", "7d": "7", "30d": "30"}  # key in the SQL result


class PerWindow(BaseModel):
    """One figure per rolling window ending now; null when the window holds no check."""

    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    h24: float | None = Field(None, alias="24h")
    d7: float | None = Field(None, alias="7d")
    d30: float | None = Field(None, alias="30d")


class ServiceStatus(BaseModel):
    """One service: word and time of its last stored check, uptime and response time."""

    title: str
    status: ServiceWord
    checked_at: datetime | None
    latency_ms: int | None
    uptime: PerWindow
    avg_response_ms: PerWindow


class Incident(BaseModel):
    """A firing alert, public part only (the alert's message may hold business figures)."""

    rule: str
    title: str
    severity: Literal["critical", "warning"]
    since: datetime


class PastIncident(BaseModel):
    """A resolved alert episode of the history window, public part only (no message, no value)."""

    rule: str
    title: str
    severity: Literal["critical", "warning"]
    started_at: datetime
    ended_at: datetime
    duration_s: float


class Maintenance(BaseModel):
    reason: str
    ends_at: datetime | None


class DaySeries(BaseModel):
    """Daily figures aligned with `History.days`; null where the day holds no check."""

    uptime_pct: list[float | None]
    avg_response_ms: list[float | None]
    checks: list[int]


class History(BaseModel):
    """Local calendar days (METRICS_TIMEZONE), oldest first, today last."""

    timezone: str
    days: list[date]
    services: dict[str, DaySeries]
    overall: DaySeries


class DeploymentView(BaseModel):
    """A production deployment (token only)."""

    id: str
    url: str | None
    state: str
    sha: str | None
    message: str | None
    branch: str | None
    created_at: datetime
    ready_at: datetime | None
    promoted_at: datetime | None
    error_at: datetime | None


class StatusBody(BaseModel):
    """The /api/status JSON. Public: the words, services, components, banner, published incidents
    and maintenance. With HEALTH_TOKEN only: the alert rules firing and resolved (`alerts`,
    `resolved_alerts`), which may name internal rules, and the deployments."""

    status: OverallWord
    description: str
    updated_at: datetime
    last_check_at: datetime | None
    uptime: PerWindow
    avg_response_ms: PerWindow
    services: dict[str, ServiceStatus]
    timezone: str = "Europe/Berlin"
    generated_at: datetime | None = None
    banner: Banner | None = None
    components: list[ComponentView] = []
    incidents: list[IncidentView] = []
    maintenance: list[MaintenanceView] = []
    feed: str = "/api/status/feed.atom"
    subscribe: str = "/api/subscriptions"
    # The monitoring.toml window running now (mutes every notification), as before issue 26.
    maintenance_window: Maintenance | None = None
    alerts: list[Incident] | None = Field(None, exclude_if=lambda v: v is None)
    resolved_alerts: list[PastIncident] | None = Field(None, exclude_if=lambda v: v is None)
    # CarBot's own availability from real traffic (Vercel Drains), when a drain delivers data.
    traffic_availability: PerWindow | None = Field(None, exclude_if=lambda v: v is None)
    history: History | None = Field(None, exclude_if=lambda v: v is None)
    reason: str | None = Field(None, exclude_if=lambda v: v is None)
    providers: dict[str, ProviderView] = {}
    deployments: list[DeploymentView] | None = Field(None, exclude_if=lambda v: v is None)
