"""/api/subscriptions (+ /confirm, /unsubscribe, /preferences) and Resend's webhook events."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import parse_qs

from pydantic import SecretStr, ValidationError

from lib.alerts.config_state import load_rules
from lib.core.components import components_or_defaults
from lib.core.errors import NotifyError
from lib.core.http import HttpError, Request, Response, json_response, require_token
from lib.endpoints.status_incidents import json_body, open_store
from lib.endpoints.status_pages import button_page, page, preferences_page
from lib.status.requests import problem
from lib.status.resend_events import REMOVING, ResendEvent, verified
from lib.status.sender import ResendSender
from lib.status.store import add_webhook, confirm_subscriber, set_preferences
from lib.status.subscribers import (
    Preferences,
    SubscribeRequest,
    WebhookRequest,
    client_network,
    over_limits,
    subscribe,
    subscriber_for,
    unsubscribe,
)
from lib.status.tokens import webhook_secret

ANSWER = {"status": "confirmation_sent"}  # the same whether or not the address is known


def _secret(request: Request) -> SecretStr:
    if request.settings.status_secret is None or request.settings.status_url is None:
        raise HttpError(503, "subscriptions are not configured (STATUS_SECRET, STATUS_URL)")
    return request.settings.status_secret


def _base(request: Request) -> str:
    return str(request.settings.status_url).rstrip("/")


def _check_components(ids: list[str] | None, request: Request) -> None:
    known = {c.id for c in components_or_defaults(load_rules(request.settings).config.components)}
    if ids and not set(ids) <= known:
        raise HttpError(400, f"unknown component; known: {', '.join(sorted(known))}")


def subscriptions_response(request: Request) -> Response:
    """POST {email, components, language}: double opt-in; with HEALTH_TOKEN {webhook}: a
    signed webhook subscription, answered with its secret once."""
    secret = _secret(request)
    raw = json_body(request)
    if isinstance(raw, dict) and "webhook" in raw:
        require_token(request)
        return _add_webhook(request, raw, secret)
    try:
        wanted = SubscribeRequest.model_validate(raw)
    except ValidationError as error:
        raise HttpError(400, problem(error)) from None
    _check_components(wanted.components, request)
    settings = request.settings
    network = client_network(
        request.headers.get("x-forwarded-for"), request.headers.get("x-real-ip")
    )
    now = datetime.now(UTC)
    with open_store(request) as db:
        if over_limits(db, secret, wanted.email, network, now):
            raise HttpError(
                429, "too many subscription requests; try again later", {"Retry-After": "3600"}
            )
        sender = None
        if settings.resend_api_key is not None:
            sender = ResendSender(str(settings.resend_api_url), settings.resend_api_key)
        try:
            subscribe(
                db,
                wanted,
                secret,
                sender,
                settings.status_email_from or settings.alert_email_from,
                _base(request),
                now,
            )
        except NotifyError:
            raise HttpError(
                502, "the confirmation mail could not be sent; try again later"
            ) from None
    return json_response(ANSWER, 202)


def _add_webhook(request: Request, raw: dict, secret: SecretStr) -> Response:
    try:
        wanted = WebhookRequest.model_validate(raw)
    except ValidationError as error:
        raise HttpError(400, problem(error)) from None
    _check_components(wanted.components, request)
    with open_store(request) as db:
        row = add_webhook(db, wanted.webhook, wanted.components, datetime.now(UTC))
    body = {
        "id": row["id"],
        "secret": webhook_secret(secret, row["id"], wanted.webhook),
        "signature_header": "X-CarBot-Signature",
    }
    return json_response(body, 201)


def _token(request: Request) -> str:
    token = request.query.get("token", "")
    if not token:
        raise HttpError(400, "the link has no token")
    return token


def confirm_response(request: Request) -> Response:
    secret, token = _secret(request), _token(request)
    with open_store(request) as db:
        row = subscriber_for(db, secret, "confirm", token)
        if row is None:
            return page(
                "Link ungültig / Link not valid",
                "<p>Bitte neu abonnieren. / Please subscribe again.</p>",
                404,
            )
        if request.method == "GET":
            return button_page(
                "Abonnement bestätigen / Confirm subscription",
                "Ein Klick bestätigt Ihr Abonnement. / One click confirms it.",
                f"/api/subscriptions/confirm?token={token}",
                "Bestätigen / Confirm",
            )
        confirm_subscriber(db, row["id"], datetime.now(UTC))
    return page(
        "Bestätigt / Confirmed",
        "<p>Sie erhalten nun Statusmeldungen. / You will now receive status updates.</p>",
    )


def unsubscribe_response(request: Request) -> Response:
    """GET: a page with the button; POST (RFC 8058 one-click, or the button): row deleted."""
    secret, token = _secret(request), _token(request)
    with open_store(request) as db:
        row = subscriber_for(db, secret, "manage", token)
        if row is None:
            return page(
                "Abgemeldet / Unsubscribed",
                "<p>Dieses Abonnement besteht nicht "
                "(mehr). / This subscription does not exist (any more).</p>",
            )
        if request.method == "GET":
            return button_page(
                "Abmelden / Unsubscribe",
                "Keine Statusmeldungen mehr erhalten? / Stop receiving status updates?",
                f"/api/subscriptions/unsubscribe?token={token}",
                "Abmelden / Unsubscribe",
            )
        unsubscribe(db, subscriber_id=row["id"])
    return page(
        "Abgemeldet / Unsubscribed",
        "<p>Ihre Adresse wurde gelöscht. / Your address has been deleted.</p>",
    )


def preferences_response(request: Request) -> Response:
    secret, token = _secret(request), _token(request)
    components = components_or_defaults(load_rules(request.settings).config.components)
    action = f"/api/subscriptions/preferences?token={token}"
    with open_store(request) as db:
        row = subscriber_for(db, secret, "manage", token)
        if row is None:
            return page("Link ungültig / Link not valid", "<p>—</p>", 404)
        if request.method == "POST":
            chosen = _preferences(request)
            _check_components(chosen.components, request)
            row = set_preferences(db, row["id"], chosen.language, chosen.components)
    return preferences_page(action, components, row.get("components"), row["language"])


def _preferences(request: Request) -> Preferences:
    if request.headers.get("content-type", "").startswith("application/json"):
        raw = json_body(request)
    else:
        form = parse_qs(request.body.decode(errors="replace"))
        raw = {
            "components": form.get("components") or None,
            "language": (form.get("language") or ["de"])[0],
        }
    try:
        return Preferences.model_validate(raw)
    except ValidationError as error:
        raise HttpError(400, problem(error)) from None


def resend_webhook_response(request: Request) -> Response:
    """POST /api/webhooks/resend: `email.bounced` / `email.complained` delete the address."""
    secret = request.settings.resend_webhook_secret
    if secret is None:
        raise HttpError(503, "RESEND_WEBHOOK_SECRET is not configured")
    if not verified(secret.get_secret_value(), request.headers, request.body, time.time()):
        raise HttpError(401, "signature missing, invalid or too old")
    try:
        event = ResendEvent.model_validate(json_body(request))
    except ValidationError as error:
        raise HttpError(400, problem(error)) from None
    removed = 0
    if event.type in REMOVING:
        with open_store(request) as db:
            for address in event.addresses():
                removed += unsubscribe(db, email=address)
    return json_response({"received": event.type, "removed": removed})
