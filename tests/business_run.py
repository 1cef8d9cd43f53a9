"""The daily metrics cron in-process against the business fakes (issue 29), shared by its tests."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from lib.core.config import Settings, load_settings
from lib.core.http import HttpError, Request, Response
from lib.jobs.daily_metrics import daily_metrics_response
from lib.metrics import DayWindow
from tests.conftest import SECRETS, assert_no_secret

BERLIN = ZoneInfo("Europe/Berlin")
CRON = {"authorization": f"Bearer {SECRETS['CRON_SECRET']}"}


def recent_ordinary_day() -> date:
    """A 24-hour day of the week before (Stripe lists events of the last 30 days only)."""
    day = datetime.now(BERLIN).date() - timedelta(days=5)
    while DayWindow.of(day, BERLIN).hours != 24:
        day -= timedelta(days=1)
    return day


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = BERLIN) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def business_settings(db: str, stripe_url: str | None, openai_url: str | None) -> Settings:
    """Settings with the Stripe and OpenAI keys only where a fake is given."""
    values: dict[str, Any] = {"database_url": db, "cron_secret": SECRETS["CRON_SECRET"]}
    if stripe_url:
        values |= {"stripe_secret_key": SECRETS["STRIPE_SECRET_KEY"], "stripe_api_base": stripe_url}
    if openai_url:
        values |= {"openai_admin_key": SECRETS["OPENAI_ADMIN_KEY"], "openai_base_url": openai_url}
    return load_settings(**values)


def run_cron(settings: Settings, **query: str) -> dict[str, Any]:
    """The cron's JSON answer (an HttpError rendered as the endpoint would); no secret in it."""
    request = Request("GET", "/api/cron/daily_metrics", query, CRON, settings)
    try:
        response = daily_metrics_response(request)
    except HttpError as error:
        response = Response(error.status, json.dumps({"error": error.message}).encode())
    assert_no_secret(response.body.decode())
    assert response.status == 200, response.body
    return dict(json.loads(response.body))


def day_report(answer: dict[str, Any], day: date) -> dict[str, Any]:
    return next(r for r in answer["days"] if r["day"] == str(day))
