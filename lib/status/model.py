"""The public status shapes (/work STATUS-SHAPE: components, banner, incidents, maintenance)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from lib.core.components import LocalText

ComponentWord = Literal[
    "operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"
]
IncidentStatus = Literal["investigating", "identified", "monitoring", "resolved"]
Impact = Literal["none", "minor", "major", "critical"]
MaintenanceState = Literal["scheduled", "in_progress", "completed"]

# Worst last; under_maintenance is told apart from an outage but outranks "operational".
WORD_RANK: dict[ComponentWord, int] = {
    "operational": 0,
    "under_maintenance": 1,
    "degraded_performance": 2,
    "partial_outage": 3,
    "major_outage": 4,
}
IMPACT_WORD: dict[str, ComponentWord] = {
    "none": "operational",
    "minor": "degraded_performance",
    "major": "partial_outage",
    "critical": "major_outage",
}


class Uptime(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    h24: float | None = Field(None, alias="24h")
    d7: float | None = Field(None, alias="7d")
    d30: float | None = Field(None, alias="30d")


class HistoryDay(BaseModel):
    day: date
    uptime_pct: float | None
    status: ComponentWord
    incidents: list[str] = []


class ComponentView(BaseModel):
    id: str
    name: LocalText
    status: ComponentWord
    uptime: Uptime
    history: list[HistoryDay] = []


class Banner(BaseModel):
    status: ComponentWord
    message: LocalText
    components: list[str]


class ComponentImpact(BaseModel):
    id: str
    impact: Impact


class Update(BaseModel):
    at: datetime
    status: IncidentStatus
    message: LocalText


class IncidentView(BaseModel):
    id: str
    status: IncidentStatus
    impact: Impact
    title: LocalText
    components: list[ComponentImpact]
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    updates: list[Update]


class MaintenanceView(BaseModel):
    id: str
    state: MaintenanceState
    title: LocalText
    message: LocalText
    starts_at: datetime
    ends_at: datetime
    components: list[str]


class Postmortem(BaseModel):
    """Written after an incident: why, what fixed it, what follows; linked evidence."""

    model_config = ConfigDict(extra="forbid")

    cause: LocalText
    resolution: LocalText
    action_items: list[LocalText] = Field([], max_length=30)
    episodes: list[str] = Field([], max_length=50)  # alert keys of the episodes
    deployments: list[str] = Field([], max_length=50)  # deployment ids


class StoredEvent(BaseModel):
    """A row of monitoring_status_events (incident or maintenance)."""

    model_config = ConfigDict(extra="ignore")

    id: str
    kind: Literal["incident", "maintenance"]
    version: int = 1
    published: bool
    status: str
    impact: Impact = "none"
    title: LocalText
    message: LocalText | None = None
    components: list[ComponentImpact] = []
    updates: list[Update] = []
    postmortem: Postmortem | None = None
    source: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None = None
    published_at: datetime | None = None

    def maintenance_state(self, now: datetime) -> MaintenanceState:
        assert self.starts_at is not None and self.ends_at is not None
        if now < self.starts_at:
            return "scheduled"
        return "in_progress" if now < self.ends_at else "completed"

    def incident_view(self) -> IncidentView:
        return IncidentView.model_validate(self.model_dump())

    def maintenance_view(self, now: datetime) -> MaintenanceView:
        return MaintenanceView(
            id=self.id,
            state=self.maintenance_state(now),
            title=self.title,
            message=self.message or self.title,
            starts_at=self.starts_at,  # type: ignore[arg-type]
            ends_at=self.ends_at,  # type: ignore[arg-type]
            components=[c.id for c in self.components],
        )
