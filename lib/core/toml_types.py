"""The strict model base and the value types that monitoring.toml's sections share."""

from __future__ import annotations

from datetime import time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = Weekday.__args__  # type: ignore[attr-defined]


def _identifier(value: str) -> str:
    if not value.replace("_", "a").isalnum() or not value[:1].isalpha() or len(value) > 63:
        raise ValueError("not a plain SQL identifier")  # never echo the value
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("unknown time zone (use an IANA name like Europe/Berlin)") from None
    return value


Identifier = Annotated[str, AfterValidator(_identifier)]
TimeZoneName = Annotated[str, AfterValidator(_timezone)]


# Times and dates may be written as TOML strings ("02:00", "2026-11-27T12:30:00+01:00") as the
# docs show, or as TOML's own values: parsed from text even in strict mode.
ClockTime = Annotated[time, Field(strict=False)]
Moment = Annotated[AwareDatetime, Field(strict=False)]


# Unknown keys and wrong types are errors: a typo in monitoring.toml must not be silently
# ignored, nor `threshold = "2"` (a string) quietly read as the number 2.
STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)
