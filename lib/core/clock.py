"""Timestamps as every JSON body writes them."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_timestamp(moment: datetime | None = None) -> str:
    """RFC 3339 in UTC with milliseconds and `Z`: every JSON body's timestamps, and Resend's."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
