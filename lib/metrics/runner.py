"""The daily metrics run: sources isolated per day, one all-or-nothing write per day."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from lib.core.config import Settings
from lib.core.log import log
from lib.core.monitor_config import MonitorConfig
from lib.metrics import DayWindow, MetricSource, SourceContext, SourceError, derive, unit_of
from lib.store import Store, StoreError

# Vercel stops the function at maxDuration (60 s for api/cron/*.py); the run stops starting work
# before that, and days it did not reach are left for the next run ("deferred").
RUN_BUDGET_S = 40.0  # leaves room for the daily alert rules (their deliveries: 15 s at most)
MIN_DAY_BUDGET_S = 5.0
BACKFILL_DAYS = 7  # missed days (no row yet) filled, before yesterday
# Yesterday and the day before are always recomputed: OpenAI costs and bounces arrive hours late.
SETTLE_DAYS = 2
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
    sources: Sequence[MetricSource],
) -> DayReport:
    """Every source for one day, each isolated: vendors in threads, store sources on this thread."""
    ctx = SourceContext(settings, store, config, window, deadline, latest)
    values: dict[str, float] = {}
    unavailable: dict[str, str] = {}
    skipped: dict[str, str] = {}
    timings: dict[str, int] = {}
    running = []
    for source in sources:
        try:
            # A store source asks the store whether its data covers the day (lib/metrics/coverage).
            reason = source.missing(ctx)
        except (SourceError, StoreError) as error:
            unavailable[source.name] = error.reason
            continue
        if reason is not None:
            skipped[source.name] = str(reason)  # NotConfigured: `OPENAI_ADMIN_KEY is not set`
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
    for name in [n for n in values if unit_of(n) is None]:
        # A metric the catalog has no unit for would fail the whole day's upsert: name it instead.
        del values[name]
        unavailable[name] = "not a known metric (no unit); left out"
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
        log.warning("metric source %s failed: %s", name, type(error).__name__)
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
    sources: Sequence[MetricSource],
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
