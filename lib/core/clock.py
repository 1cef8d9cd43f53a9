"""Timestamps as every JSON body writes them, how far a sender's clock may run ahead, leases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# A sender (Vercel's drains and webhooks) stamps records with its own clock: within this a time
# ahead of ours is skew and keeps its value; beyond it, it is not "now" (it would open buckets in
# the future or make an event "the newest" until that date comes).
CLOCK_SKEW = timedelta(minutes=5)

# A claimed send (an alert notification on one channel, a report's e-mail) older than this is
# presumed abandoned (the function was killed mid-send) and may be taken over. Longer than any
# send may take by far: a live claim is never taken over.
CLAIM_LEASE = timedelta(minutes=2)


def utc_timestamp(moment: datetime | None = None) -> str:
    """RFC 3339 in UTC with milliseconds and `Z`: every JSON body's timestamps, and Resend's."""
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
