"""POST /api/webhooks/vercel: verify Vercel's signature, store the event once per id."""

from __future__ import annotations

from lib.core.http import HttpError, Request, Response, json_response
from lib.deployments.store import record_event
from lib.deployments.webhook import EVENTS, WebhookError, parse_event, signature_valid, store_event
from lib.store import Store, StoreError

STORE_TIMEOUT_S = 5.0


def vercel_webhook_response(request: Request) -> Response:
    """403 unless signed with VERCEL_WEBHOOK_SECRET; 200 for a new event and for a retry alike."""
    secret = request.settings.vercel_webhook_secret
    if secret is None:
        raise HttpError(503, "VERCEL_WEBHOOK_SECRET is not configured; webhooks are refused")
    # The signature covers the raw bytes: check it before parsing anything.
    if not signature_valid(
        secret.get_secret_value(), request.body, request.headers.get("x-vercel-signature")
    ):
        raise HttpError(403, "x-vercel-signature is missing or does not match the body")
    try:
        event = parse_event(request.body)
    except WebhookError as error:
        raise HttpError(400, str(error)) from None
    if event.type not in EVENTS:
        # A subscription to more events than we read is not an error: acknowledge, keep nothing.
        return json_response({"id": event.id, "type": event.type, "stored": False, "ignored": True})
    try:
        with Store.from_settings(request.settings, timeout=STORE_TIMEOUT_S) as store:
            stored = record_event(store, store_event(event))
    except StoreError as error:
        # A 5xx makes Vercel retry the delivery later: nothing is lost.
        return json_response({"error": f"store unavailable: {error.reason}"}, 503)
    return json_response({"id": event.id, "type": event.type, "stored": stored})
