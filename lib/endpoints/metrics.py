"""GET /api/metrics: daily series over the last N complete days, as JSON or CSV.

`?metric=leads` answers one series (`{"metric", "unit", "points"}`); `?metric=leads,registrations`
or `?metric=all` answers several at once (`{"first", "last", "series": [...]}`) from one store
call; `format=csv` gives one row per day and one column per metric, empty where a day has no row.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel

from lib import store as store_module
from lib.core.http import HttpError, Request, Response, echo, json_response, require_token
from lib.core.safe_text import csv_cell
from lib.metrics import METRICS, today, unit_of
from lib.store import Store, StoreError

DEFAULT_DAYS = 30
MAX_DAYS = 366
MAX_METRICS = 64


class Point(BaseModel):
    day: date
    value: float | int


class Series(BaseModel):
    """`{"metric", "unit", "points": [{"day", "value"}]}`; days with no row are absent."""

    metric: str
    unit: str
    points: list[Point]


class SeriesSet(BaseModel):
    """Several series over the same window [first, last] (a day outside every series is a gap)."""

    first: date
    last: date
    series: list[Series]


def parse_days(value: str | None) -> int:
    if value is None:
        return DEFAULT_DAYS
    # isdigit() alone admits '²', which int() then rejects: a 500 instead of this 400.
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_DAYS:
        raise HttpError(400, f"days must be a whole number from 1 to {MAX_DAYS}")
    return int(value)


def parse_metrics(value: str | None) -> list[str]:
    """`leads`, `leads,registrations` or `all`; every name known, none twice."""
    if not value:
        raise HttpError(400, "metric is required, e.g. ?metric=leads&days=30")
    if value == "all":
        return list(METRICS)
    names = list(dict.fromkeys(name.strip() for name in value.split(",") if name.strip()))
    if not names or len(names) > MAX_METRICS:
        raise HttpError(400, f"metric takes 1 to {MAX_METRICS} comma-separated names")
    for name in names:
        if unit_of(name) is None:
            known = ", ".join(METRICS)
            raise HttpError(
                400, f"unknown metric {echo(name)}; known: {known}, revenue_cents_<ccy>, all"
            )
    return names


def parse_format(value: str | None) -> str:
    if value in (None, "json", "csv"):
        return value or "json"
    raise HttpError(400, "format must be json or csv")


def metrics_response(request: Request) -> Response:
    require_token(request)
    raw_metric = request.query.get("metric")
    names = parse_metrics(raw_metric)
    days = parse_days(request.query.get("days"))
    output = parse_format(request.query.get("format"))
    settings = request.settings
    if not store_module.configured(settings):
        raise HttpError(503, "no store configured (set DATABASE_URL or SUPABASE_URL + key)")
    last = today(settings.metrics_timezone, datetime.now(UTC)) - timedelta(days=1)
    first = last - timedelta(days=days - 1)
    try:
        with Store.from_settings(settings) as db:
            if len(names) == 1:
                found = {names[0]: db.metric_series(names[0], first, last)}
            else:
                found = db.metric_series_many(names, first, last)
    except StoreError as error:
        raise HttpError(503, f"store unavailable: {error.reason}") from None
    series = [
        Series(
            metric=name,
            unit=unit_of(name) or "",
            points=[Point(day=p["day"], value=_number(p["value"])) for p in found.get(name, [])],
        )
        for name in names
    ]
    if output == "csv":
        return _csv(series, first, last)
    if len(names) == 1 and raw_metric != "all":
        return json_response(series[0])
    return json_response(SeriesSet(first=first, last=last, series=series))


def _csv(series: list[Series], first: date, last: date) -> Response:
    """Every day of the window, oldest first; a day without a value is an empty cell."""
    values = {s.metric: {p.day: p.value for p in s.points} for s in series}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180
    # Every cell through csv_cell: nothing a spreadsheet reads as a formula (lib/core/safe_text.py).
    writer.writerow([csv_cell(c) for c in ["day", *(s.metric for s in series)]])
    day = first
    while day <= last:
        row = [day.isoformat(), *(values[s.metric].get(day, "") for s in series)]
        writer.writerow([csv_cell(c) for c in row])
        day += timedelta(days=1)
    name = "metrics.csv" if len(series) > 1 else f"{series[0].metric}.csv"
    return Response(
        200,
        buffer.getvalue().encode(),
        {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def _number(value: float) -> float | int:
    """Counts, bytes and cents read back as whole numbers."""
    return int(value) if float(value).is_integer() else value
