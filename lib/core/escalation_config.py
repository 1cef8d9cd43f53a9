"""`[escalation]` of monitoring.toml: the levels an unacknowledged alert climbs, and when."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

# A channel's name as lib/notify/channels registers it ("email", "webhook", "slack", ...); the
# alert layer checks that it is registered (lib/alerts/escalation.unknown_channels).
ChannelName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
PersonName = Annotated[str, StringConstraints(min_length=1, max_length=80)]
Minutes = Annotated[int, Field(ge=0, le=60 * 24 * 31)]

# The guide's "Internal Escalation" (carbot-monitoring-guide.md): four levels.
GUIDE_LEVELS = (
    "Development Team",
    "Senior DevOps Engineer",
    "Technical Director",
    "Business Stakeholders",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class OnCall(_Strict):
    """One week's person on call for a level, and the channel that reaches them."""

    name: PersonName
    channel: ChannelName | None = None  # default: the level's channels


class EscalationLevel(_Strict):
    """One level: who it is, which channels reach it, optionally its contacts and rotation.

    `rotation` is a weekly list: ISO week N is covered by rotation[(N - 1) % len(rotation)].
    """

    name: PersonName
    channels: list[ChannelName] = Field(default_factory=list, max_length=10)
    contacts: list[PersonName] = Field(default_factory=list, max_length=20)
    rotation: list[OnCall] = Field(default_factory=list, max_length=53)


class EscalationAfter(_Strict):
    """Minutes after the episode began at which each level is reached; empty: reports only."""

    critical: list[Minutes] = [0, 15, 60, 240]
    warning: list[Minutes] = [0, 1440]
    info: list[Minutes] = []

    @model_validator(mode="after")
    def _ascending(self) -> EscalationAfter:
        for steps in (self.critical, self.warning, self.info):
            if steps and (steps[0] != 0 or steps != sorted(set(steps))):
                raise ValueError("minutes must start at 0 and strictly increase")
        return self


def _guide_levels() -> list[EscalationLevel]:
    return [EscalationLevel(name=name) for name in GUIDE_LEVELS]


class EscalationPolicy(_Strict):
    """`[escalation]`: `[[escalation.levels]]` and `[escalation.after_minutes]`; steps beyond the
    last level are not used (two levels with the defaults: critical at 0 and 15 minutes)."""

    levels: list[EscalationLevel] = Field(
        default_factory=_guide_levels, min_length=1, max_length=20
    )
    after_minutes: EscalationAfter = EscalationAfter()
