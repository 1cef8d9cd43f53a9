"""A fake of Vercel's Web Analytics REST API on 127.0.0.1 (the Hobby plan's visitor figures).

Vercel REST API, "Aggregates page views"
(https://vercel.com/docs/rest-api/web-analytics/aggregates-page-views): `GET
/v1/query/web-analytics/visits/aggregate`, HTTP bearer token, `projectId` required, `by` required
(time granularity hour|day|week|month|year and/or a dimension), `teamId` for team projects
("Query Web Analytics with the API", https://vercel.com/docs/analytics/web-analytics-api). The
stored reference stops before the response schema and the date parameters: `since`/`until` in
epoch milliseconds and `{"data": [{"day": ..., "pageviews": n, "visitors": n}]}` are inferred
(docs/visitors.md "REST API"), so the fake refuses what the reference forbids and serves only that
inferred shape (or, `shape = "other"`, a body the client must call unknown).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.fakes import FakeRequest, FakeUpstream, Reply

TOKEN = "vercel-api-token-SECRET-0031"
GRANULARITIES = {"hour", "day", "week", "month", "year"}


class FakeVercelAnalytics(FakeUpstream):
    def __init__(self) -> None:
        super().__init__("vercel-analytics")
        self.days: dict[str, tuple[int, int]] = {}  # UTC day → (page views, visitors)
        self.shape = "data"

        @self.route("GET", r"/v1/query/web-analytics/visits/aggregate")
        def aggregate(request: FakeRequest) -> Reply:
            if request.headers.get("authorization") != f"Bearer {TOKEN}":
                return 403, {"error": {"code": "forbidden", "message": "Not authorized"}}
            if not request.arg("projectId") or request.arg("by") is None:
                return 400, {"error": {"code": "bad_request", "message": "projectId, by required"}}
            if request.arg("by") not in GRANULARITIES:
                return 400, {"error": {"code": "bad_request", "message": "by"}}
            since, until = int(request.arg("since") or 0), int(request.arg("until") or 0)
            if self.shape != "data":
                return 200, {"visits": 3}
            data: list[dict[str, Any]] = []
            for day, (views, visitors) in sorted(self.days.items()):
                start = int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000)
                if since < start + 86_400_000 and start < until:
                    data.append({"day": day, "pageviews": views, "visitors": visitors})
            return 200, {"data": data}

    def error_body(self, status: int, message: str) -> Any:
        return {"error": {"code": str(status), "message": message}}
