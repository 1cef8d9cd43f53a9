"""POST /api/webhooks/vercel: verify Vercel's signature, store the event once per id."""

from __future__ import annotations

from datetime import UTC, datetime

from lib.core.http import HttpError, Request, Response, json_response
from lib.core.signatures import vercel_signature_valid
from lib.deployments.store import record_event
from lib.deployments.webhook import EVENTS, WebhookError, parse_event, store_event
from lib.store import Store, StoreError

STORE_TIMEOUT_S = 5.0


def vercel_webhook_response(request: Request) -> Response:
    """403 unless signed with VERCEL_WEBHOOK_SECRET; 200 for a new event and for a retry alike."""
    if request.method != "POST":
        # GET is routed here only so that a bad query is a 400 like everywhere (endpoint params).
        raise HttpError(405, f"method {request.method} not allowed", {"Allow": "POST"})
    secret = request.settings.vercel_webhook_secret
    if secret is None:
        raise HttpError(503, "VERCEL_WEBHOOK_SECRET is not configured; webhooks are refused")
    # The signature covers the raw bytes: check it before parsing anything.
    if not vercel_signature_valid(
        secret.get_secret_value(), request.body, request.headers.get("x-vercel-signature")
    ):
        raise HttpError(403, "x-vercel-signature is missing or does not match the body")
    now = datetime.now(UTC)
    try:
        event = parse_event(request.body, now)
    except WebhookError as error:
        raise HttpError(400, str(error)) from None
    if event.type not in EVENTS:
        # A subscription to more events than we read is not an error: acknowledge, keep nothing.
        return json_response({"id": event.id, "type": event.type, "stored": False, "ignored": True})
    kept = store_event(event, now)
    try:
        with Store.from_settings(request.settings, timeout=STORE_TIMEOUT_S) as store:
            stored = record_event(store, kept)
    except StoreError as error:
        # A 5xx makes Vercel retry the delivery later: nothing is lost.
        return json_response({"error": f"store unavailable: {error.reason}"}, 503)
    answer: dict[str, object] = {"id": event.id, "type": event.type, "stored": stored}
    if kept["created_at"] != event.createdAt:
        answer["created_at"] = kept["created_at"].isoformat()  # dated ahead: arrival time kept
    return json_response(answer)
