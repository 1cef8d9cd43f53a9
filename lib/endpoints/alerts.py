"""GET /api/alerts?days=N: alert episodes of the last N days (the dashboard's timeline), with
their acknowledgement and escalation level, and who is on call this week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pydantic import BaseModel

from lib import store as store_module
from lib.alerts.config_state import load_rules
from lib.alerts.escalation import OnCallNow, on_call
from lib.core.http import HttpError, Request, Response, json_response, require_token
from lib.reports.history import AlertEpisode, alert_episodes
from lib.store import Store, StoreError

DEFAULT_DAYS = 7
MAX_DAYS = 90


class EpisodesBody(BaseModel):
    days: int
    episodes: list[AlertEpisode]
    on_call: list[OnCallNow]  # who covers each escalation level this week ([] without a policy)


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
    policy = load_rules(request.settings).config.escalation
    return json_response(EpisodesBody(days=days, episodes=episodes, on_call=on_call(policy, now)))
