"""GET /api/metrics: one metric's daily series over the last N complete days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel

from lib import store as store_module
from lib.core.http import HttpError, Request, Response, echo, json_response, require_token
from lib.metrics import METRICS, today, unit_of
from lib.store import Store, StoreError

DEFAULT_DAYS = 30
MAX_DAYS = 366


class Point(BaseModel):
    day: date
    value: float | int


class Series(BaseModel):
    """`{"metric", "unit", "points": [{"day", "value"}]}`; days with no row are absent."""

    metric: str
    unit: str
    points: list[Point]


def parse_days(value: str | None) -> int:
    if value is None:
        return DEFAULT_DAYS
    # isdigit() alone admits '²', which int() then rejects: a 500 instead of this 400.
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_DAYS:
        raise HttpError(400, f"days must be a whole number from 1 to {MAX_DAYS}")
    return int(value)


def metrics_response(request: Request) -> Response:
    require_token(request)
    metric = request.query.get("metric")
    if not metric:
        raise HttpError(400, "metric is required, e.g. ?metric=leads&days=30")
    unit = unit_of(metric)
    if unit is None:
        known = ", ".join(METRICS)
        raise HttpError(400, f"unknown metric {echo(metric)}; known: {known}, revenue_cents_<ccy>")
    days = parse_days(request.query.get("days"))
    settings = request.settings
    if not store_module.configured(settings):
        raise HttpError(503, "no store configured (set DATABASE_URL or SUPABASE_URL + key)")
    last = today(settings.metrics_timezone, datetime.now(UTC)) - timedelta(days=1)
    first = last - timedelta(days=days - 1)
    try:
        with Store.from_settings(settings) as db:
            rows = db.metric_series(metric, first, last)
    except StoreError as error:
        raise HttpError(503, f"store unavailable: {error.reason}") from None
    points = [Point(day=row["day"], value=_number(row["value"])) for row in rows]
    return json_response(Series(metric=metric, unit=unit, points=points))


def _number(value: float) -> float | int:
    """Counts, bytes and cents read back as whole numbers."""
    return int(value) if float(value).is_integer() else value
