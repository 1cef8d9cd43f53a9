"""Acknowledging alerts: the signed link's confirmation page (GET shows, POST acknowledges) and
POST /api/alerts/{key}/ack|unack (HEALTH_TOKEN; vercel.json rewrites it to /api/alerts/action)."""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from urllib.parse import parse_qs, urlencode

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lib import store as store_module
from lib.alerts.ack_link import ACK_PATH, AckRefused, verify
from lib.alerts.acknowledge import AckError, AckOutcome, firing_episode, set_acknowledged
from lib.alerts.config_state import load_rules
from lib.core import safe_text
from lib.core.http import NO_STORE, HttpError, Request, Response, json_response, require_token
from lib.notify import configured_notifiers
from lib.store import Store, StoreError

LINK_PARAMS = ("key", "episode", "exp", "sig")
# The page posts its own form back (form-action 'self'); it loads and runs nothing else.
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
MAX_FORM = 4096


class AckBody(BaseModel):
    """POST /api/alerts/{key}/ack|unack body (JSON, optional)."""

    model_config = ConfigDict(extra="forbid")

    by: str | None = Field(None, min_length=1, max_length=80)
    note: str | None = Field(None, min_length=1, max_length=500)


def _acknowledge(
    request: Request,
    key: str,
    acknowledge: bool,
    body: AckBody,
    episode: datetime | None = None,
) -> AckOutcome:
    """Shared by the API and the link page; AckError and StoreError go to the caller."""
    settings = request.settings
    if not store_module.configured(settings):
        raise StoreError("no store configured")
    loaded = load_rules(settings)
    with Store.from_settings(settings) as db:
        return set_acknowledged(
            db,
            key,
            acknowledge,
            datetime.now(UTC),
            by=body.by,
            note=body.note,
            episode=episode,
            notifiers=configured_notifiers(settings),
            policy=loaded.config.escalation,
            titles={rule.name: rule.title for rule in loaded.rules},
        )


def _check_episode(request: Request, key: str, episode: datetime) -> None:
    if not store_module.configured(request.settings):
        raise StoreError("no store configured")
    with Store.from_settings(request.settings) as db:
        firing_episode(db, key, episode)


def alert_action_response(request: Request) -> Response:
    """POST /api/alerts/{key}/ack or /unack: JSON answer, 404 unknown key, 409 not firing."""
    require_token(request)
    key, action = request.query.get("key", ""), request.query.get("action", "")
    if not key or len(key) > 200 or action not in ("ack", "unack"):
        raise HttpError(404, "use POST /api/alerts/{key}/ack or /api/alerts/{key}/unack")
    try:
        body = AckBody.model_validate_json(request.body or b"{}")
    except ValidationError as error:
        first = error.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise HttpError(400, f"invalid body: {where}: {first['msg']}") from None
    try:
        outcome = _acknowledge(request, key, action == "ack", body)
    except AckError as error:
        raise HttpError(error.status, error.reason) from None
    except StoreError as error:
        raise HttpError(503, f"store unavailable: {error.reason}") from None
    return json_response(outcome)


def ack_page_response(request: Request) -> Response:
    """GET: the confirmation page of a signed link (changes nothing). POST: acknowledge."""
    now = datetime.now(UTC)
    try:
        link = verify(request.settings, request.query, now)
        if request.method != "POST":
            _check_episode(request, link.key, link.episode)
            return _page(200, "Acknowledge this alert?", _form(request.query, link.key))
        form = _form_fields(request)
        outcome = _acknowledge(request, link.key, True, form, episode=link.episode)
    except AckRefused as refused:
        return _page(refused.status, "Not acknowledged", f"<p>{escape(refused.reason)}</p>")
    except AckError as error:
        return _page(error.status, "Not acknowledged", f"<p>{escape(error.reason)[:200]}.</p>")
    except StoreError:
        return _page(503, "Not acknowledged", "<p>The store is unavailable; try again.</p>")
    who = safe_text.html(outcome.acknowledged_by) if outcome.acknowledged_by else "someone"
    when = outcome.acknowledged_at.strftime("%Y-%m-%d %H:%M UTC") if outcome.acknowledged_at else ""
    first = "" if outcome.changed else " (it already was)"
    text = (
        f"<p><strong>{safe_text.html(outcome.key)}</strong> is acknowledged{first} by {who} at "
        f"{when}. No more reminders or escalation for this episode; a resolution is still sent.</p>"
    )
    return _page(200, "Acknowledged", text)


def _form_fields(request: Request) -> AckBody:
    if len(request.body) > MAX_FORM:
        raise AckRefused(413, "The form is too large.")
    pairs = parse_qs(request.body.decode("utf-8", "replace"))
    fields = {name: values[-1].strip() for name, values in pairs.items()}
    try:
        return AckBody(by=fields.get("by") or None, note=fields.get("note") or None)
    except ValidationError:
        raise AckRefused(400, "Name at most 80 characters, note at most 500.") from None


def _form(query: dict[str, str], key: str) -> str:
    action = escape(f"{ACK_PATH}?{urlencode({n: query[n] for n in LINK_PARAMS})}")
    return (
        f"<p>Alert <strong>{safe_text.html(key)}</strong> is firing. Acknowledging it stops its "
        "reminders and escalation for this episode; its resolution is still sent.</p>"
        f"<form method='post' action='{action}'>"
        "<p><label>Your name <input name='by' maxlength='80'></label></p>"
        "<p><label>Note <input name='note' maxlength='500'></label></p>"
        "<p><button type='submit'>Acknowledge</button></p></form>"
    )


def _page(status: int, title: str, body: str) -> Response:
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width'><meta name='robots' content='noindex'>"
        f"<title>{escape(title)} - CarBot Monitor</title>"
        "<style>body{font-family:sans-serif;max-width:36em;margin:2em auto;padding:0 1em}</style>"
        f"</head><body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    headers = {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": NO_STORE,
        "Content-Security-Policy": PAGE_CSP,
    }
    return Response(status, html.encode(), headers)
