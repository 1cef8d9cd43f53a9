"""The JSON bodies of POST/PATCH /api/incidents (incidents and announced maintenance)."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, model_validator

from lib.core.components import ComponentId, LocalText
from lib.status.model import ComponentImpact, Impact, IncidentStatus, Postmortem


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IncidentCreate(Body):
    kind: Literal["incident"] = "incident"
    title: LocalText
    status: IncidentStatus = "investigating"
    impact: Impact = "minor"
    components: list[ComponentImpact] = Field([], max_length=20)
    message: LocalText  # the first update
    published: bool = True


class MaintenanceCreate(Body):
    kind: Literal["maintenance"]
    title: LocalText
    message: LocalText
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    components: list[ComponentId] = Field([], max_length=20)  # empty: every component
    published: bool = True

    @model_validator(mode="after")
    def _window(self) -> MaintenanceCreate:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class IncidentPatch(Body):
    """Every field optional; `message` appends an update with the (new) status."""

    title: LocalText | None = None
    status: IncidentStatus | None = None
    impact: Impact | None = None
    components: list[ComponentImpact] | None = Field(None, max_length=20)
    message: LocalText | None = None
    published: bool | None = None
    postmortem: Postmortem | None = None

    @model_validator(mode="after")
    def _status_is_told(self) -> IncidentPatch:
        if self.status is not None and self.message is None:
            raise ValueError("a status change needs a message (de and en) for its update")
        return self


class MaintenancePatch(Body):
    title: LocalText | None = None
    message: LocalText | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    components: list[ComponentId] | None = Field(None, max_length=20)
    published: bool | None = None
    cancelled: bool | None = None


def problem(error: ValidationError) -> str:
    """The first problems as `field: message`, never the client's value."""
    parts = []
    for e in error.errors(include_url=False, include_input=False)[:3]:
        where = ".".join(str(p) for p in e["loc"]) or "body"
        parts.append(f"{where}: {e['msg'].removeprefix('Value error, ')}")
    return "; ".join(parts)
