"""`[[maintenance]]` windows of monitoring.toml: one-off or weekly, each in its own time zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, model_validator

from lib.core.toml_types import STRICT, WEEKDAYS, ClockTime, Moment, TimeZoneName, Weekday


class WeeklyWindow(BaseModel):
    """A weekly recurring window in its own time zone, e.g. Sunday 02:00-03:00 Europe/Berlin."""

    model_config = STRICT

    day: Weekday
    start: ClockTime
    end: ClockTime
    timezone: TimeZoneName = "Europe/Berlin"


class MaintenanceWindow(BaseModel):
    """Either a one-off [start, end) with offsets, or `weekly`."""

    model_config = STRICT

    reason: str = "maintenance"
    start: Moment | None = None
    end: Moment | None = None
    weekly: WeeklyWindow | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> MaintenanceWindow:
        one_off = self.start is not None and self.end is not None
        if one_off == (self.weekly is not None) or (self.start is None) != (self.end is None):
            raise ValueError("give either start and end, or weekly")
        if one_off and self.end <= self.start:  # type: ignore[operator]
            raise ValueError("end must be after start")
        return self

    def active_at(self, moment: datetime) -> bool:
        return self.ends_at(moment) is not None

    def ends_at(self, moment: datetime) -> datetime | None:
        """End of the occurrence that contains `moment`; None when the window is not active."""
        if self.weekly is None:
            return self.end if self.start <= moment < self.end else None  # type: ignore[operator]
        local = moment.astimezone(ZoneInfo(self.weekly.timezone))
        for offset in (0, -1):  # a window may run past midnight into the next day
            day = local.date() + timedelta(days=offset)
            if WEEKDAYS[day.weekday()] != self.weekly.day:
                continue
            begin = datetime.combine(day, self.weekly.start, local.tzinfo)
            finish = datetime.combine(day, self.weekly.end, local.tzinfo)
            if finish <= begin:
                finish += timedelta(days=1)
            if begin <= local < finish:
                return finish
        return None
