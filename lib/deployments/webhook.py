"""Vercel webhook deliveries: the envelope and payload we read, checked field by field.

Shapes from Vercel's "Webhooks API Reference" (https://vercel.com/docs/webhooks/webhooks-api):
the envelope is `{type, id, createdAt, region, payload}`; deployment events carry `payload.team.id`,
`payload.user.id`, `payload.deployment.{id, url, name, meta}`, `payload.links.{deployment,
project}`, `payload.target` (`production`, `staging` or null), `payload.project.id`,
`payload.plan`, `payload.regions` and (deployment.created) `payload.alias`;
`domain.certificate.renew.failed` carries `payload.dnsNames` ("An array of DNS names for which the
certificate renewal failed"). `budget.reached` is listed as an event type (REST API "Creates a
webhook") without documented payload keys. Limits: docs/endpoints.md, POST /api/webhooks/vercel.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from lib.core.clock import CLOCK_SKEW

DEPLOYMENT_EVENTS = frozenset(
    {
        "deployment.created",
        "deployment.succeeded",
        "deployment.error",
        "deployment.canceled",
        "deployment.promoted",
    }
)
CERTIFICATE_RENEWAL_FAILED = "domain.certificate.renew.failed"
BUDGET_REACHED = "budget.reached"
EVENTS = DEPLOYMENT_EVENTS | {CERTIFICATE_RENEWAL_FAILED, BUDGET_REACHED}

# Further ahead than a day is no clock skew but a wrong date: refused (400), never stored.
FUTURE_LIMIT = timedelta(days=1)
# Vercel (then ZEIT) was founded in 2015: an earlier createdAt is no Vercel event.
EARLIEST = datetime(2015, 1, 1, tzinfo=UTC)

# Keys of payload.deployment.meta Vercel's Git integrations set (GitHub, GitLab, Bitbucket).
_META = {
    "sha": ("githubCommitSha", "gitlabCommitSha", "bitbucketCommitSha"),
    "message": ("githubCommitMessage", "gitlabCommitMessage", "bitbucketCommitMessage"),
    "author": (
        "githubCommitAuthorLogin",
        "githubCommitAuthorName",
        "gitlabCommitAuthorLogin",
        "gitlabCommitAuthorName",
        "bitbucketCommitAuthorName",
    ),
    "branch": ("githubCommitRef", "gitlabCommitRef", "bitbucketCommitRef"),
}
_TEXT_LIMIT = 500  # free text (commit messages) is cut, not refused
_NO_CONTROL = r"^[^\x00-\x1f\x7f]*$"

# Identifiers and names are refused (400) when too long or carrying control characters: a NUL
# cannot be stored in PostgreSQL text, and no Vercel id or domain has one.
Id = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=_NO_CONTROL)]
Url = Annotated[str, StringConstraints(max_length=2048, pattern=_NO_CONTROL)]
Name = Annotated[str, StringConstraints(max_length=253, pattern=_NO_CONTROL)]  # DNS name limit
Region = Annotated[str, StringConstraints(max_length=32, pattern=_NO_CONTROL)]


class WebhookError(ValueError):
    """A delivery we refuse (bad signature, not JSON, wrong envelope); the message is safe."""


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class VercelRef(_Loose):
    """`payload.team`, `payload.user`, `payload.project`: objects with an `id`."""

    id: Id | None = None


class VercelDeployment(_Loose):
    id: Id
    url: Url | None = None
    name: Name | None = None
    meta: dict[str, Any] = {}

    @field_validator("meta", mode="before")
    @classmethod
    def _meta(cls, value: object) -> object:
        # Free-form metadata (its keys depend on the Git provider): anything else reads as none.
        return value if isinstance(value, dict) else {}


class VercelLinks(_Loose):
    deployment: Url | None = None
    project: Url | None = None


class VercelPayload(_Loose):
    """The keys of `payload` we read, with the types the reference gives them."""

    team: VercelRef | None = None
    user: VercelRef | None = None
    project: VercelRef | None = None
    deployment: VercelDeployment | None = None
    links: VercelLinks | None = None
    target: Name | None = None
    alias: list[Name] | None = Field(default=None, max_length=100)
    regions: list[Region] | None = Field(default=None, max_length=50)
    dnsNames: list[Name] | None = Field(default=None, max_length=100)


class VercelEvent(_Loose):
    """The delivery envelope; `createdAt` is milliseconds since the epoch."""

    id: Id
    type: str = Field(pattern=r"^[a-z][a-z0-9._-]{0,79}$")
    createdAt: datetime
    payload: dict[str, Any] = {}

    @field_validator("createdAt", mode="before")
    @classmethod
    def _millis(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError("not a time")
        if isinstance(value, int | float):
            if not math.isfinite(value) or abs(value) > 1e15:  # beyond year 33658: no date
                raise ValueError("out of range")
            return datetime.fromtimestamp(value / 1000, UTC)
        return value

    @field_validator("createdAt")
    @classmethod
    def _sane(cls, value: datetime, info: ValidationInfo) -> datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        now = (info.context or {}).get("now") or datetime.now(UTC)
        if value < EARLIEST or value > now + FUTURE_LIMIT:
            raise ValueError("out of range")
        return value


def _where(error: ValidationError, prefix: str = "") -> list[str]:
    """`payload.deployment.id`, `alias[3]`...: the fields a validation error names."""
    found = []
    for item in error.errors():
        path = prefix
        for part in item["loc"]:
            path += f"[{part}]" if isinstance(part, int) else f"{'.' if path else ''}{part}"
        found.append(path or "body")
    return sorted(set(found))


def parse_event(body: bytes, now: datetime | None = None) -> VercelEvent:
    """The checked event; WebhookError names every field that is not as documented."""
    context = {"now": now or datetime.now(UTC)}
    try:
        event = VercelEvent.model_validate_json(body, context=context)
    except ValidationError as error:
        fields = [f for f in _where(error) if f != "body"]
        detail = f"invalid {', '.join(fields)}" if fields else "not a JSON object"
        raise WebhookError(f"not a Vercel webhook event: {detail}") from None
    if event.type in EVENTS:
        try:
            VercelPayload.model_validate(event.payload)
        except ValidationError as error:
            fields = ", ".join(_where(error, "payload"))
            raise WebhookError(f"not a Vercel webhook event: invalid {fields}") from None
    return event


def event_time(event: VercelEvent, now: datetime | None = None) -> datetime:
    """createdAt, or the arrival time when it lies ahead of us by more than the clock skew.

    A future date would otherwise make the event "the newest" until that date comes: one
    success dated ahead would silence every later failed build.
    """
    now = now or datetime.now(UTC)
    return now if event.createdAt > now + CLOCK_SKEW else event.createdAt


def _text(value: object) -> str | None:
    if value in (None, ""):
        return None
    return str(value).replace("\x00", "")[:_TEXT_LIMIT] or None


def _first(meta: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    return next((_text(meta[k]) for k in keys if meta.get(k) not in (None, "")), None)


def store_event(event: VercelEvent, now: datetime | None = None) -> dict[str, Any]:
    """The `p_event` argument of monitoring_vercel_event: what we keep of one delivery."""
    payload = VercelPayload.model_validate(event.payload)
    deployment = None
    if event.type in DEPLOYMENT_EVENTS and payload.deployment is not None:
        meta = payload.deployment.meta
        links = payload.links or VercelLinks()
        deployment = {
            "id": payload.deployment.id,
            "url": payload.deployment.url or None,
            "name": payload.deployment.name or None,
            "inspect_url": links.deployment or None,
            "target": payload.target or "preview",  # null target: a preview deployment
            "alias": payload.alias,
            "project_id": payload.project.id if payload.project else None,
            "user_id": payload.user.id if payload.user else None,
            "regions": payload.regions,
            **{field: _first(meta, keys) for field, keys in _META.items()},
        }
    at = event_time(event, now)
    return {
        "id": event.id,
        "type": event.type,
        "created_at": at,
        "deployment": deployment,
        "payload": _kept_payload(event, payload, at),
    }


def _scalar(value: object) -> object:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN: PostgreSQL's jsonb would refuse the whole event
    return value


def _kept_payload(event: VercelEvent, payload: VercelPayload, at: datetime) -> dict[str, Any]:
    """The small, secret-free part of the payload the rules name (domain, budget, deployment)."""
    raw = event.payload
    kept: dict[str, Any] = {}
    for key in ("target", "domain", "budget", "plan", "type", "amount", "limit", "name"):
        value = raw.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            kept[key] = _scalar(value)
        elif isinstance(value, dict):
            small = {k: v for k, v in value.items() if isinstance(v, str | int | float)}
            # Keys lose NULs too: jsonb refuses "\u0000" anywhere, and one refusal would be a 503.
            kept[key] = {
                k.replace("\x00", "")[:100]: _scalar(v) for k, v in list(small.items())[:20]
            }
    if payload.dnsNames:
        kept["dnsNames"] = [name for name in payload.dnsNames if name]
    if payload.deployment is not None:
        kept["deployment_id"] = payload.deployment.id
    if event.createdAt != at:
        kept["created_at_sent"] = event.createdAt.isoformat()
    return kept
