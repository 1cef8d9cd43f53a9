"""Report periods: ISO weeks and calendar months in METRICS_TIMEZONE, and their parsing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Kind = Literal["weekly", "monthly"]
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


class PeriodError(ValueError):
    """A week or month parameter that is malformed, current or in the future (a 400)."""


@dataclass(frozen=True)
class Period:
    """[first, after) in local calendar days; start/end are the local midnights as instants."""

    kind: Kind
    key: str  # 2026-W48 | 2026-11
    first: date
    after: date
    zone: ZoneInfo

    @property
    def last(self) -> date:
        return self.after - timedelta(days=1)

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.after - self.first).days)]

    @property
    def start(self) -> datetime:
        return _midnight(self.first, self.zone)

    @property
    def end(self) -> datetime:
        return _midnight(self.after, self.zone)

    @property
    def title(self) -> str:
        if self.kind == "weekly":
            return f"week {self.first.isocalendar().week}"
        return f"{MONTHS[self.first.month - 1]} {self.first.year}"

    def previous(self) -> Period:
        if self.kind == "weekly":
            return week_of(self.first - timedelta(days=7), self.zone)
        return month_of(self.first - timedelta(days=1), self.zone)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    # zoneinfo resolves the local midnight: a week holding a DST change is 167 or 169 hours long.
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def week_of(day: date, zone: ZoneInfo) -> Period:
    monday = day - timedelta(days=day.weekday())
    iso = monday.isocalendar()
    return Period("weekly", f"{iso.year}-W{iso.week:02d}", monday, monday + timedelta(7), zone)


def month_of(day: date, zone: ZoneInfo) -> Period:
    first = day.replace(day=1)
    after = (first + timedelta(days=32)).replace(day=1)
    return Period("monthly", f"{first.year}-{first.month:02d}", first, after, zone)


def latest(kind: Kind, zone: ZoneInfo, now: datetime) -> Period:
    """The last complete week (Monday–Sunday) or calendar month before `now`, locally."""
    today = now.astimezone(zone).date()
    current = week_of(today, zone) if kind == "weekly" else month_of(today, zone)
    return current.previous()


def parse(kind: Kind, value: str, zone: ZoneInfo, now: datetime) -> Period:
    """`2026-W48` or `2026-11`; a period that has not ended yet is refused."""
    shown = value[:20]
    try:
        if kind == "weekly":
            match = _WEEK.match(value)
            if not match:
                raise ValueError
            period = week_of(date.fromisocalendar(int(match[1]), int(match[2]), 1), zone)
        else:
            match = _MONTH.match(value)
            if not match:
                raise ValueError
            period = month_of(date(int(match[1]), int(match[2]), 1), zone)
    except ValueError:
        name, example = (
            ("week", "YYYY-Www, e.g. 2026-W48")
            if kind == "weekly"
            else (
                "month",
                "YYYY-MM, e.g. 2026-11",
            )
        )
        raise PeriodError(f"{name} must be {example}, got {shown!r}") from None
    if period.end > now:
        name = "week" if kind == "weekly" else "month"
        word = "is in the future" if period.start > now else "has not ended yet"
        raise PeriodError(
            f"{name} {period.key} {word} in {zone.key}; the latest complete {name} is "
            f"{latest(kind, zone, now).key}"
        )
    return period
