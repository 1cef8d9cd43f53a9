"""Page views and visitors of a day from Vercel's Web Analytics REST API (no drain: Hobby plan).

Vercel REST API, "Aggregates page views" (https://vercel.com/docs/rest-api/web-analytics/aggregates-page-views):
`GET /v1/query/web-analytics/visits/aggregate`, bearer token, query `projectId` (required), `by`
(required: a time granularity `hour|day|week|month|year` and/or a dimension), `teamId` for a team
project ("Query Web Analytics with the API", https://vercel.com/docs/analytics/web-analytics-api).
The stored reference pages end before the response schema and the date range parameters, so two
things are inferred (docs/visitors.md "REST API"): `since`/`until` as epoch milliseconds, and a
body `{"data": [{..., "pageviews": n, "visitors": n}]}`. A body of any other shape is no figure:
the day's metrics stay absent ("unknown"), never a guessed number.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from lib.core import tls
from lib.core.config import Settings
from lib.core.errors import MonitorError, reason_for, status_reason

PATH = "/v1/query/web-analytics/visits/aggregate"


class WebAnalyticsError(MonitorError):
    """The API could not be read, or answered in a shape we do not know."""


class _Group(BaseModel):
    model_config = ConfigDict(extra="allow")
    pageviews: int
    visitors: int


class _Answer(BaseModel):
    model_config = ConfigDict(extra="allow")
    data: list[_Group]


def missing(settings: Settings) -> str | None:
    if settings.vercel_api_token is None:
        return "VERCEL_API_TOKEN is not set"
    if settings.vercel_project_id is None:
        return "VERCEL_PROJECT_ID is not set"
    return None


def day_visits(
    settings: Settings, start: datetime, end: datetime, timeout_s: float
) -> dict[str, int]:
    """{page_views, unique_visitors} of [start, end), grouped `by=day`.

    A local day spans two UTC days when Vercel groups by UTC: page views add up exactly, visitors
    of two groups are summed (a visitor of both halves counts twice: an upper bound, documented).
    """
    assert settings.vercel_api_token is not None and settings.vercel_project_id is not None
    params: dict[str, str] = {
        "projectId": settings.vercel_project_id,
        "by": "day",
        "since": str(int(start.timestamp() * 1000)),
        "until": str(int(end.timestamp() * 1000)),
    }
    if settings.vercel_team_id:
        params["teamId"] = settings.vercel_team_id
    url = str(settings.vercel_api_url).rstrip("/") + PATH
    headers = {"Authorization": f"Bearer {settings.vercel_api_token.get_secret_value()}"}
    try:
        with httpx.Client(timeout=timeout_s, verify=tls.ssl_context()) as client:
            response = client.get(url, params=params, headers=headers)
    except httpx.HTTPError as error:
        raise WebAnalyticsError(f"Vercel API: {reason_for(error)}") from None
    if response.status_code != 200:
        raise WebAnalyticsError(f"Vercel API: {status_reason(response.status_code)}")
    try:
        answer = _Answer.model_validate(_json(response))
    except ValidationError:
        raise WebAnalyticsError(
            "Vercel API answered in an unknown shape: figures unknown"
        ) from None
    return {
        "page_views": sum(g.pageviews for g in answer.data),
        "unique_visitors": sum(g.visitors for g in answer.data),
    }


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
