"""`capacity_forecast:<metric>`: the 28-day trend reaches its quota or budget within 30 days."""

from __future__ import annotations

from datetime import date, timedelta

from lib.alerts.rules.base import BaseRule, Observation, RuleContext
from lib.metrics.forecast import CapacityForecast, capacity, describe


class CapacityForecastRule(BaseRule):
    """Days until each capacity metric reaches its limit (lib/metrics/forecast.py)."""

    name = "capacity_forecast"
    title = "Capacity forecast"
    unit = "days"
    daily = True
    default_threshold = 30.0

    def observe(self, ctx: RuleContext) -> list[Observation]:
        series: dict[str, dict[date, float]] = {}
        for metric, day, value in ctx.visitor_signals().capacity:
            series.setdefault(metric, {})[day] = value
        today = ctx.yesterday + timedelta(days=1)
        return [
            self._judge(found) for found in capacity(series, ctx.settings, today, self.threshold)
        ]

    def _judge(self, found: CapacityForecast) -> Observation:
        key = f"{self.name}:{found.metric}"
        if found.state in ("unknown", "not_configured"):
            return self.observation(found.state, None, f"{found.label}: {found.note}", key)
        message = describe(found)
        if found.days_left is None:
            return self.observation("ok", None, message, key)
        state = "firing" if found.state == "warning" else "ok"
        return self.observation(state, found.days_left, message, key)
