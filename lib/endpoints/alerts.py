"""GET /api/alerts?days=N: alert episodes of the last N days (the dashboard's timeline)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel

from lib import store as store_module
from lib.core.http import HttpError, Request, Response, json_response, require_token
from lib.reports.history import AlertEpisode, alert_episodes
from lib.store import Store, StoreError

DEFAULT_DAYS = 7
MAX_DAYS = 90


class EpisodesBody(BaseModel):
    days: int
    episodes: list[AlertEpisode]


def parse_days(value: str | None) -> int:
    if value is None:
        return DEFAULT_DAYS
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_DAYS:
        raise HttpError(400, f"days must be a whole number from 1 to {MAX_DAYS}")
    return int(value)


def alerts_response(request: Request) -> Response:
    require_token(request)
    days = parse_days(request.query.get("days"))
    if not store_module.configured(request.settings):
        raise HttpError(503, "no store configured (set DATABASE_URL or SUPABASE_URL + key)")
    now = datetime.now(UTC)
    try:
        with Store.from_settings(request.settings) as db:
            episodes = alert_episodes(db, now - timedelta(days=days), now)
    except StoreError as error:
        raise HttpError(503, f"store unavailable: {error.reason}") from None
    return json_response(EpisodesBody(days=days, episodes=episodes))
