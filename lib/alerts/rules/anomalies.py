"""Business anomalies: yesterday against the same weekdays before it, and missing activity today."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from statistics import median
from zoneinfo import ZoneInfo

from lib.alerts.rules.base import BaseRule, Observation, RuleContext
from lib.core.monitor_config import AnomalyConfig, TableSource

# MAD × this estimates the standard deviation of normally distributed data.
MAD_SCALE = 1.4826
WEEK = timedelta(days=7)


@cache
def _holidays(state: str, year: int) -> dict[date, str]:
    import holidays  # only the daily rules need it

    return dict(holidays.country_holidays("DE", subdiv=state, years=year))


def holiday(day: date, state: str) -> str | None:
    """The name of the German public holiday `day` is in `state`, else None."""
    return _holidays(state, day.year).get(day)


class Baseline:
    """Median and MAD of comparable past values."""

    def __init__(self, values: list[float]) -> None:
        self.values = values
        self.median = median(values)
        self.mad = median(abs(v - self.median) for v in values)

    def band(self, factor: float) -> float:
        return factor * MAD_SCALE * self.mad


def same_weekdays(day: date, weeks: int, state: str) -> list[date]:
    """The `weeks` same weekdays before `day`, holidays left out (a holiday is not a Tuesday)."""
    return [d for d in (day - WEEK * k for k in range(1, weeks + 1)) if holiday(d, state) is None]


class Anomaly(BaseRule):
    """`anomaly:<metric>`: yesterday outside median ± factor·MAD of the same weekdays."""

    name = "anomaly"
    title = "Unusual business metric"
    unit = "difference"
    daily = True
    default_threshold = 3.0  # the band: median ± threshold × 1.4826 × MAD
    default_severity = "warning"

    def observe(self, ctx: RuleContext) -> list[Observation]:
        config = ctx.monitor_config().anomalies
        return [self._judge(ctx, config, metric) for metric in config.metrics]

    def _judge(self, ctx: RuleContext, config: AnomalyConfig, metric: str) -> Observation:
        key = f"{self.name}:{metric}"
        day = ctx.yesterday
        name = holiday(day, config.holiday_state)
        if name is not None:
            why = f"{day} is a holiday ({name}): not judged"
            return self.observation("unknown", None, why, key)
        value = ctx.metrics(day).get(metric)
        history = [
            v
            for d in same_weekdays(day, config.weeks, config.holiday_state)
            if (v := ctx.metrics(d).get(metric)) is not None
        ]
        if value is None:
            # A metric never measured (no drains: no `requests`) is not configured, not unknown.
            state = "unknown" if history else "not_configured"
            return self.observation(state, None, f"no {metric} value for {day}", key)
        if len(history) < config.min_history:
            return self.observation(
                "unknown",
                value,
                f"only {len(history)} comparable days (need {config.min_history})",
                key,
            )
        base = Baseline(history)
        band = base.band(self.threshold)
        difference = value - base.median
        minimum = config.minimum.get(metric, config.default_minimum)
        unusual = abs(difference) > band and abs(difference) >= minimum
        weekday = day.strftime("%A")
        message = (
            f"{metric} {value:g} on {weekday} {day}; usual {base.median:g} "
            f"(± {band:g}, {len(history)} earlier {weekday}s)"
        )
        return self.observation("firing" if unusual else "ok", difference, message, key, band)


class ActivityMissing(BaseRule):
    """`activity_missing:<metric>`: no new row for N hours in business hours, unlike past weeks."""

    name = "activity_missing"
    title = "No business activity"
    unit = "h"
    default_threshold = 3.0  # hours without a new row
    default_severity = "warning"

    def observe(self, ctx: RuleContext) -> list[Observation]:
        full = ctx.monitor_config()
        config = full.anomalies
        found = []
        for metric in config.activity_metrics:
            source: TableSource | None = getattr(full.metrics, metric, None)
            key = f"{self.name}:{metric}"
            if source is None:
                found.append(self.observation("not_configured", None, "not a table metric", key))
                continue
            found.append(self._judge(ctx, config, source, key))
        return found

    def _judge(
        self, ctx: RuleContext, config: AnomalyConfig, source: TableSource, key: str
    ) -> Observation:
        hours = config.business_hours
        local = ctx.now.astimezone(ZoneInfo(hours.timezone))
        weekday = local.strftime("%A").lower()
        if weekday not in hours.days or not hours.start <= local.time() < hours.end:
            return self.observation("ok", None, "outside business hours", key)
        name = holiday(local.date(), config.holiday_state)
        if name is not None:
            return self.observation("ok", None, f"holiday ({name})", key)
        span = timedelta(hours=self.threshold)
        now_count = self._count(ctx, source, local - span, local)
        if now_count is None:
            return self.observation("unknown", None, f"table {source.table} not found", key)
        if now_count > 0:
            message = f"{now_count} new in the last {self.threshold:g} h"
            return self.observation("ok", now_count, message, key)
        past = [
            self._count(ctx, source, start - span, start)
            for start in self._same_hours(local, config)
        ]
        usual = len(past) == config.activity_weeks and all(c for c in past)
        message = (
            f"no new {source.table} row for {self.threshold:g} h; "
            f"the same hours of the last {len(past)} {weekday}s had {past}"
        )
        return self.observation("firing" if usual else "ok", 0.0, message, key)

    @staticmethod
    def _same_hours(local: datetime, config: AnomalyConfig) -> list[datetime]:
        """The same wall-clock time on earlier same weekdays (holidays skipped), DST-aware."""
        starts = []
        for k in range(1, config.activity_weeks * 2 + 1):
            earlier = (local.replace(tzinfo=None) - WEEK * k).replace(tzinfo=local.tzinfo)
            if holiday(earlier.date(), config.holiday_state) is None:
                starts.append(earlier)
            if len(starts) == config.activity_weeks:
                break
        return starts

    @staticmethod
    def _count(ctx: RuleContext, source: TableSource, start: datetime, end: datetime) -> int | None:
        return ctx.store.count_rows(
            source.table, source.column, start, end, source.filter_column, source.filter_value
        )
