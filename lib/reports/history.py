"""Alert history: episodes rebuilt from monitoring_alert_events (written with each transition)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from lib.store import Store


class AlertEpisode(BaseModel):
    """One firing episode of one alert key: from entering firing to resolving (or still open)."""

    rule: str
    severity: Literal["critical", "warning", "info"]
    started_at: datetime
    ended_at: datetime | None
    duration_s: float | None
    open: bool
    value: float | None
    threshold: float | None
    message: str | None
    resolution: str | None = None  # the row's message when it resolved ("rule disabled", ...)
    silenced: bool = False  # entered firing during maintenance (not announced then)
    reminders: int = 0
    # Incident response (SPEC §12): the acknowledgement in force, the level the episode reached,
    # and how long the first acknowledgement took (time to resolve is duration_s).
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    level: int = 1
    time_to_acknowledge_s: float | None = None

    @property
    def rule_name(self) -> str:
        return self.rule.split(":", 1)[0]


def episodes_from(raw: list[dict]) -> list[AlertEpisode]:
    episodes = []
    for item in raw:
        ended = datetime.fromisoformat(item["ended_at"]) if item.get("ended_at") else None
        started = datetime.fromisoformat(item["started_at"])
        if item.get("resolution") == item.get("message"):
            item = {**item, "resolution": None}  # resolved with the firing words: nothing to add
        first_ack = item.get("first_acknowledged_at")
        to_ack = None
        if first_ack:
            to_ack = (datetime.fromisoformat(first_ack) - started).total_seconds()
        skip = ("started_at", "ended_at", "first_acknowledged_at")
        episodes.append(
            AlertEpisode(
                **{k: v for k, v in item.items() if k not in skip},
                time_to_acknowledge_s=to_ack,
                started_at=started,
                ended_at=ended,
                duration_s=(ended - started).total_seconds() if ended else None,
                open=ended is None,
            )
        )
    return episodes


def alert_episodes(store: Store, start: datetime, end: datetime) -> list[AlertEpisode]:
    """Every episode that overlapped [start, end), newest first (one store call)."""
    return episodes_from(store.alert_episodes(start, end))
