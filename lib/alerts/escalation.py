"""The escalation policy at work: which level an episode is due, which channels reach a level,
who is on call this week (the `[escalation]` model is lib/core/escalation_config.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel

from lib.core.escalation_config import EscalationLevel, EscalationPolicy
from lib.notify import Severity


class OnCallNow(BaseModel):
    """`/api/alerts` `on_call`: who covers each level this ISO week."""

    level: int
    name: str  # the level's name
    person: str | None  # this week's rotation entry (None: no rotation)
    channels: list[str]
    contacts: list[str]


def steps(policy: EscalationPolicy, severity: str) -> list[int]:
    """Minutes after the episode began at which each level is reached (as many as levels)."""
    return list(getattr(policy.after_minutes, severity))[: len(policy.levels)]


def due_level(policy: EscalationPolicy, severity: str, elapsed: timedelta) -> int:
    """The level an unacknowledged episode has reached after `elapsed` (0: reports only)."""
    minutes = elapsed.total_seconds() / 60
    return sum(1 for step in steps(policy, severity) if step <= minutes)


def next_step_at(
    policy: EscalationPolicy, severity: str, since: datetime, level: int
) -> datetime | None:
    """When the level after `level` is due (None: the last one was reached)."""
    after = steps(policy, severity)
    return since + timedelta(minutes=after[level]) if level < len(after) else None


def _rotation_entry(level: EscalationLevel, now: datetime) -> tuple[str | None, str | None]:
    if not level.rotation:
        return None, None
    week = now.isocalendar().week
    entry = level.rotation[(week - 1) % len(level.rotation)]
    return entry.name, entry.channel


def level_channels(policy: EscalationPolicy, level: int, now: datetime) -> list[str]:
    """The channels that reach level `level` (1-based) this week: the on-call person's channel
    when the rotation names one, else the level's channels."""
    if not 1 <= level <= len(policy.levels):
        return []
    entry = policy.levels[level - 1]
    _, channel = _rotation_entry(entry, now)
    return [channel] if channel else list(entry.channels)


def channels_between(policy: EscalationPolicy, low: int, high: int, now: datetime) -> list[str]:
    """The channels of levels low..high (inclusive), each once, in level order."""
    found: dict[str, None] = {}
    for level in range(max(1, low), high + 1):
        found.update(dict.fromkeys(level_channels(policy, level, now)))
    return list(found)


def on_call(policy: EscalationPolicy | None, now: datetime) -> list[OnCallNow]:
    if policy is None:
        return []
    rows = []
    for number, level in enumerate(policy.levels, 1):
        person, _ = _rotation_entry(level, now)
        rows.append(
            OnCallNow(
                level=number,
                name=level.name,
                person=person,
                channels=level_channels(policy, number, now),
                contacts=list(level.contacts),
            )
        )
    return rows


def unknown_channels(policy: EscalationPolicy, registered: set[str]) -> list[str]:
    """Channel names the policy uses that lib/notify/channels does not register."""
    used = {c for level in policy.levels for c in level.channels}
    used |= {e.channel for level in policy.levels for e in level.rotation if e.channel}
    return sorted(used - registered)


def reports_only(policy: EscalationPolicy | None, severity: Severity) -> bool:
    return policy is not None and not steps(policy, severity)
