"""Period figures from daily metric points: sums, ratios of sums, weighted means, coverage."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Points:
    """Every daily metric point the report fetched: {metric: {day: value}}."""

    series: dict[str, dict[date, float]]

    @classmethod
    def from_raw(cls, raw: dict[str, list[dict]]) -> Points:
        return cls(
            {
                metric: {date.fromisoformat(p["day"]): float(p["value"]) for p in points}
                for metric, points in raw.items()
            }
        )

    def values(self, metric: str, days: list[date]) -> dict[date, float]:
        series = self.series.get(metric, {})
        return {d: series[d] for d in days if d in series}

    def covered(self, metric: str, days: list[date]) -> int:
        return len(self.values(metric, days))

    def total(self, metric: str, days: list[date]) -> float | None:
        found = self.values(metric, days)
        return sum(found.values()) if found else None

    def ratio(
        self, numerator: str, denominator: tuple[str, ...], days: list[date], scale: float = 100
    ) -> float | None:
        """sum(numerator) / sum(denominators) × scale over the days where all are present."""
        names = (numerator, *denominator)
        both = [d for d in days if all(d in self.series.get(n, {}) for n in names)]
        if not both:
            return None
        below = sum(self.series[n][d] for n in denominator for d in both)
        return sum(self.series[numerator][d] for d in both) / below * scale if below else None

    def weighted(self, metric: str, weight: str, days: list[date]) -> float | None:
        """Mean of a daily average weighted by a daily count (e.g. response time by requests);
        the plain mean of the days when the weight is absent."""
        found = self.values(metric, days)
        if not found:
            return None
        weights = self.values(weight, list(found))
        if len(weights) == len(found) and sum(weights.values()) > 0:
            return sum(found[d] * weights[d] for d in found) / sum(weights.values())
        return sum(found.values()) / len(found)

    def mean(self, metric: str, days: list[date]) -> float | None:
        found = self.values(metric, days)
        return sum(found.values()) / len(found) if found else None

    def currencies(self, days: list[date]) -> dict[str, float]:
        """Revenue in other currencies than EUR (revenue_cents_<cur>), in units, per currency."""
        out = {}
        for metric in sorted(self.series):
            if metric.startswith("revenue_cents_"):
                total = self.total(metric, days)
                if total:
                    out[metric.removeprefix("revenue_cents_").upper()] = total / 100
        return out


def coverage_note(points: Points, metrics: tuple[str, ...], days: list[date]) -> str | None:
    """ "data for 5 of 7 days" when part of the period is missing (never treated as 0)."""
    covered = min(points.covered(m, days) for m in metrics)
    if 0 < covered < len(days):
        return f"data for {covered} of {len(days)} days"
    return None
