"""The daily metrics run: which days, sources isolated per day, one all-or-nothing write each."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from lib.config import Settings
from lib.cron import cron_endpoint
from lib.http import HttpError, Request
from lib.metrics import (
    DayWindow,
    MetricSource,
    SourceContext,
    SourceError,
    derive,
    today,
    unit_of,
)
from lib.metrics.history import CheckHistory, DatabaseSize
from lib.metrics.openai_costs import OpenAICosts
from lib.metrics.resend import ResendEmails
from lib.metrics.stripe import STRIPE_SOURCES
from lib.metrics.tables import TABLE_SOURCES
from lib.monitor_config import MonitorConfig, load_monitor_config
from lib.store import Store, StoreError

SOURCES: tuple[MetricSource, ...] = (
    *TABLE_SOURCES,
    CheckHistory(),
    DatabaseSize(),
    *STRIPE_SOURCES,
    ResendEmails(),
    OpenAICosts(),
)
# Vercel stops the function at maxDuration (60 s for api/cron/*.py); the run stops starting work
# before that, and days it did not reach are left for the next run ("deferred").
RUN_BUDGET_S = 40.0  # leaves room for the daily alert rules (their deliveries: 15 s at most)
MIN_DAY_BUDGET_S = 5.0
BACKFILL_DAYS = 7  # missed days (no row yet) filled, before yesterday
# Yesterday and the day before are always recomputed: OpenAI costs and bounces arrive hours late.
SETTLE_DAYS = 2
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
Measured = tuple[dict[str, float], int]  # a source's values and its time in ms


class DayReport(BaseModel):
    """One computed day: its window, the metrics written, and every source that did not measure."""

    day: date
    start: datetime
    end: datetime
    hours: float
    metrics: dict[str, int | float]
    unavailable: dict[str, str]  # source → reason it failed
    skipped: dict[str, str]  # source → why it did not run (no credentials, snapshot only)
    timings_ms: dict[str, int]


class DailyRun(BaseModel):
    """What one run wrote; the daily alert rules are evaluated after it (`daily_metrics_job`)."""

    timezone: str
    days: list[DayReport]
    deferred: list[date]  # missed days not reached within the run budget


def parse_day(value: str | None, zone: Any, now: datetime) -> date | None:
    """`?day=YYYY-MM-DD`: a day that has ended in the metrics time zone; 400 otherwise."""
    if value is None:
        return None
    try:
        if not _DAY.match(value):
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        raise HttpError(400, f"day must be a date as YYYY-MM-DD, got {value[:20]!r}") from None
    current = today(zone, now)
    if day >= current:
        when = "is in the future" if day > current else "has not ended yet"
        latest = current - timedelta(days=1)
        raise HttpError(400, f"day {day} {when} in {zone.key}; the latest complete day is {latest}")
    return day


def plan_days(store: Store, latest: date) -> list[date]:
    """Yesterday first, then the day before, then missed days of the week before, oldest first."""
    settle = [latest - timedelta(days=i) for i in range(SETTLE_DAYS)]
    first = latest - timedelta(days=BACKFILL_DAYS)
    last = latest - timedelta(days=SETTLE_DAYS)
    present = set(store.metric_days(first, last))
    week = (first + timedelta(days=i) for i in range((last - first).days + 1))
    return settle + [day for day in week if day not in present]


def compute_day(
    settings: Settings,
    store: Store,
    config: MonitorConfig,
    window: DayWindow,
    deadline: float,
    latest: bool,
    sources: Sequence[MetricSource] = SOURCES,
) -> DayReport:
    """Every source for one day, each isolated: vendors in threads, store sources on this thread."""
    ctx = SourceContext(settings, store, config, window, deadline, latest)
    values: dict[str, float] = {}
    unavailable: dict[str, str] = {}
    skipped: dict[str, str] = {}
    timings: dict[str, int] = {}
    running = []
    for source in sources:
        reason = source.missing(ctx)
        if reason is not None:
            skipped[source.name] = reason
        else:
            running.append(source)
    vendors = [s for s in running if not s.uses_store]
    # Not a `with` block: its exit would wait for a vendor call that is still hanging.
    pool = ThreadPoolExecutor(max_workers=max(1, len(vendors)), thread_name_prefix="metrics")
    try:
        futures: dict[str, Future[Measured]] = {
            s.name: pool.submit(_timed, s, ctx) for s in vendors
        }
        for source in running:
            if source.uses_store:
                _settle(source.name, lambda s=source: _timed(s, ctx), values, unavailable, timings)
        wait_for(futures.values(), timeout=max(0.0, ctx.remaining()))
        for name, future in futures.items():
            if future.done():
                _settle(name, future.result, values, unavailable, timings)
            else:
                unavailable[name] = "timeout (run time budget exhausted)"
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    values.update(derive(values))
    return DayReport(
        day=window.day,
        start=window.start,
        end=window.end,
        hours=window.hours,
        metrics={k: values[k] for k in sorted(values)},
        unavailable=unavailable,
        skipped=skipped,
        timings_ms=timings,
    )


def _timed(source: MetricSource, ctx: SourceContext) -> Measured:
    started = time.perf_counter()
    values = source.collect(ctx)
    return values, round((time.perf_counter() - started) * 1000)


def _settle(
    name: str,
    outcome: Callable[[], Measured],
    values: dict[str, float],
    unavailable: dict[str, str],
    timings: dict[str, int],
) -> None:
    """Merge one source's values, or name it with its reason; a bug never leaks its message."""
    try:
        measured, elapsed = outcome()
    except (SourceError, StoreError) as error:  # a store-backed source's query failed
        unavailable[name] = error.reason
        return
    except Exception as error:  # noqa: BLE001 - one broken source must not stop the others
        print(f"metric source {name} failed: {type(error).__name__}", file=sys.stderr)
        unavailable[name] = "unexpected error"
        return
    timings[name] = elapsed
    values.update(measured)


def rows_of(report: DayReport) -> list[dict[str, Any]]:
    """Rows for `upsert_daily_metrics`, sorted so concurrent runs lock rows in the same order."""
    return [
        {"day": report.day, "metric": name, "value": value, "unit": unit_of(name)}
        for name, value in sorted(report.metrics.items())
    ]


def run_daily_metrics(
    settings: Settings,
    store: Store,
    config: MonitorConfig,
    days: Sequence[date],
    latest: date,
    sources: Sequence[MetricSource] = SOURCES,
    budget_s: float = RUN_BUDGET_S,
) -> DailyRun:
    """Compute and write each day in order; a store failure stops the run (5xx) mid-way."""
    zone = settings.metrics_timezone
    deadline = time.monotonic() + budget_s
    reports: list[DayReport] = []
    deferred: list[date] = []
    for day in days:
        if reports and deadline - time.monotonic() < MIN_DAY_BUDGET_S:
            deferred.append(day)
            continue
        window = DayWindow.of(day, zone)
        report = compute_day(settings, store, config, window, deadline, day == latest, sources)
        rows = rows_of(report)
        if rows:
            try:
                store.upsert_daily_metrics(rows)
            except StoreError as error:
                raise StoreError(
                    f"{error.reason}; nothing was written for {day}", error.function
                ) from None
        reports.append(report)
    return DailyRun(timezone=zone.key, days=reports, deferred=deferred)


def daily_metrics_job(request: Request, store: Store) -> dict[str, Any]:
    """The cron's work: yesterday (or `?day=`), settle and backfill, then the JSON summary."""
    settings = request.settings
    zone = settings.metrics_timezone
    now = datetime.now(UTC)
    latest = today(zone, now) - timedelta(days=1)
    requested = parse_day(request.query.get("day"), zone, now)
    days = [requested] if requested is not None else plan_days(store, latest)
    config = load_monitor_config(settings)
    run = run_daily_metrics(settings, store, config, days, latest, SOURCES)
    summary = run.model_dump(mode="json")
    if any(report.day == latest for report in run.days):
        # The daily alert rules judge yesterday as soon as its metrics are stored.
        from lib.alerts.health_check import evaluate_daily_rules

        summary["alerts"] = evaluate_daily_rules(store, settings, now)
    return summary


def _check_day(request: Request) -> None:
    parse_day(request.query.get("day"), request.settings.metrics_timezone, datetime.now(UTC))


# GET /api/cron/daily_metrics: the secret first, then a bad `?day=` is a 400 before any run.
daily_metrics_response = cron_endpoint("daily_metrics", daily_metrics_job, validate=_check_day)
