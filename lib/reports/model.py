"""The report as data: figures with their change, criteria, sections, recommendations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel

Unit = Literal["%", "ms", "EUR", "USD", "count", "", "s"]


class Figure(BaseModel):
    """One figure of the period and the period before; `missing` says why there is no value."""

    key: str
    label: str
    unit: Unit
    value: float | None
    previous: float | None = None
    change: float | None = None  # value - previous
    change_pct: float | None = None  # relative change, % of previous
    missing: str | None = None  # "no data: no Vercel drain" (never a made-up 0)
    note: str | None = None  # "data for 5 of 7 days"

    @classmethod
    def of(
        cls,
        key: str,
        label: str,
        unit: Unit,
        value: float | None,
        previous: float | None = None,
        missing: str | None = None,
        note: str | None = None,
        digits: int = 2,
    ) -> Figure:
        change = change_pct = None
        if value is not None and previous is not None:
            change = round(value - previous, digits)
            change_pct = round((value - previous) / previous * 100, 1) if previous else None
        return cls(
            key=key,
            label=label,
            unit=unit,
            value=None if value is None else round(value, digits),
            previous=None if previous is None else round(previous, digits),
            change=change,
            change_pct=change_pct,
            missing=missing if value is None else None,
            note=note,
        )


class Criterion(BaseModel):
    """A success criterion of the guide: met, missed, or no data (None)."""

    key: str
    label: str
    target: str  # "> 99.9 %"
    value: float | None
    unit: Unit
    met: bool | None
    missing: str | None = None


class Table(BaseModel):
    columns: list[str]
    rows: list[list[str]]


class Section(BaseModel):
    """A titled part of the report: figures, free lines, an optional table."""

    id: str
    title: str
    figures: list[Figure] = []
    lines: list[str] = []
    table: Table | None = None


class Recommendation(BaseModel):
    """A rule that matched: why (trigger), the guide's procedure and the period's evidence."""

    rule: str
    title: str
    trigger: str
    procedure: str
    steps: list[str]
    evidence: list[str]


class Report(BaseModel):
    """A weekly health report or monthly business report (stored as JSON, rendered from it)."""

    kind: Literal["weekly", "monthly"]
    period: str
    title: str
    subject: str
    headline: str
    generated_at: datetime
    timezone: str
    first_day: date
    last_day: date
    previous_period: str
    criteria: list[Criterion]
    sections: list[Section]
    recommendations: list[Recommendation] = []
    missing: list[str] = []  # sources that were not available, in words
