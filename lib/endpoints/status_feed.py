"""GET /api/status/feed.atom?lang=de|en: the Atom feed of incidents and maintenance (public)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lib.core.http import HttpError, Request, Response
from lib.endpoints.status import CORS, PUBLIC_CACHE
from lib.endpoints.status_incidents import open_store
from lib.status.events import events_since
from lib.status.feed import atom

FEED_DAYS = timedelta(days=90)


def feed_response(request: Request) -> Response:
    language = request.query.get("lang", "de")
    if language not in ("de", "en"):
        raise HttpError(400, "lang must be 'de' or 'en'")
    now = datetime.now(UTC)
    with open_store(request) as db:
        events = events_since(db, now - FEED_DAYS, published_only=True)
    base = str(request.settings.status_url or "").rstrip("/")
    body = atom(events, language, base, now).encode()  # type: ignore[arg-type]
    headers = {
        **CORS,
        "Content-Type": "application/atom+xml; charset=utf-8",
        "Cache-Control": PUBLIC_CACHE,
    }
    return Response(200, body, headers)
