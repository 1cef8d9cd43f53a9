"""Timestamps as every JSON body writes them, and how far a sender's clock may run ahead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# A sender (Vercel's drains and webhooks) stamps records with its own clock: within this a time
# ahead of ours is skew and keeps its value; beyond it, it is not "now" (it would open buckets in
# the future or make an event "the newest" until that date comes).
CLOCK_SKEW = timedelta(minutes=5)


def utc_timestamp(moment: datetime | None = None) -> str:
    """RFC 3339 in UTC with milliseconds and `Z`: every JSON body's timestamps, and Resend's."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
