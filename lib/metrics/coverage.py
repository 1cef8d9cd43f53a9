"""Which days a store-fed source can measure: none before its first data, none once pruned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lib.metrics import SourceContext
from lib.metrics.store import first_data


def first_before_end(ctx: SourceContext, key: str) -> bool:
    """The source had data before the day ended: a day without any is a real 0 for it."""
    first = first_data(ctx.store).get(key)
    return first is not None and first < ctx.window.end


def uncovered(ctx: SourceContext, key: str, what: str, kept: timedelta | None) -> str | None:
    """Why the day is skipped (absent, never 0), or None when the source's rows cover it.

    A day reaching back past the retention is skipped even if some of its rows are left:
    a recount from part of a day would overwrite the full day's stored metrics with less.
    """
    if kept is not None and ctx.window.start < datetime.now(UTC) - kept:
        return (
            f"pruned after {kept.days} days: the day's {what} rows are gone"
            " (its stored metrics are left as they are)"
        )
    first = first_data(ctx.store).get(key)
    if first is None:
        return f"no {what} stored yet"
    if ctx.window.end <= first:
        return f"the day ended before the first {what} ({first.astimezone(UTC):%Y-%m-%d %H:%M} UTC)"
    return None
