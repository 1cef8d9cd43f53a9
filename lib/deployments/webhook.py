"""Vercel webhook deliveries: the signature check and the envelope we read (docs/endpoints.md).

Shapes from Vercel's "Webhooks API Reference" (https://vercel.com/docs/webhooks/webhooks-api):
the envelope is `{type, id, createdAt, region, payload}`; deployment events carry
`payload.deployment.{id, url, name, meta}`, `payload.links.deployment` and `payload.target`
(`production`, `staging` or null). `x-vercel-signature` is the hex HMAC-SHA1 of the raw body.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

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
_TEXT_LIMIT = 500


class WebhookError(ValueError):
    """A delivery we refuse (bad signature, not JSON, wrong envelope); the message is safe."""


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class VercelDeployment(_Loose):
    id: str = Field(min_length=1, max_length=200)
    url: str | None = None
    name: str | None = None
    meta: dict[str, Any] = {}

    @field_validator("meta", mode="before")
    @classmethod
    def _meta(cls, value: object) -> object:
        return value if isinstance(value, dict) else {}


class VercelLinks(_Loose):
    deployment: str | None = None
    project: str | None = None


class VercelPayload(_Loose):
    deployment: VercelDeployment | None = None
    links: VercelLinks = VercelLinks()
    target: str | None = None


class VercelEvent(_Loose):
    """The delivery envelope; `createdAt` is milliseconds since the epoch."""

    id: str = Field(min_length=1, max_length=200)
    type: str = Field(pattern=r"^[a-z][a-z0-9._-]{0,79}$")
    createdAt: datetime
    payload: dict[str, Any] = {}

    @field_validator("createdAt", mode="before")
    @classmethod
    def _millis(cls, value: object) -> object:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value / 1000, UTC)
        return value


def _text(value: object) -> str | None:
    return str(value)[:_TEXT_LIMIT] if value not in (None, "") else None


def _first(meta: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    return next((_text(meta[k]) for k in keys if meta.get(k) not in (None, "")), None)


def parse_event(body: bytes) -> VercelEvent:
    try:
        return VercelEvent.model_validate_json(body)
    except ValidationError as error:
        fields = sorted({str(e["loc"][0]) for e in error.errors() if e["loc"]})
        detail = f"invalid {', '.join(fields)}" if fields else "not a JSON object"
        raise WebhookError(f"not a Vercel webhook event: {detail}") from None


def store_event(event: VercelEvent) -> dict[str, Any]:
    """The `p_event` argument of monitoring_vercel_event: what we keep of one delivery."""
    payload = VercelPayload.model_validate(event.payload)
    deployment = None
    if event.type in DEPLOYMENT_EVENTS and payload.deployment is not None:
        meta = payload.deployment.meta
        deployment = {
            "id": payload.deployment.id,
            "url": _text(payload.deployment.url),
            "name": _text(payload.deployment.name),
            "inspect_url": _text(payload.links.deployment),
            "target": payload.target or "preview",  # null target: a preview deployment
            **{field: _first(meta, keys) for field, keys in _META.items()},
        }
    return {
        "id": event.id,
        "type": event.type,
        "created_at": event.createdAt,
        "deployment": deployment,
        "payload": _kept_payload(event),
    }


def _kept_payload(event: VercelEvent) -> dict[str, Any]:
    """The small, secret-free part of the payload the rules name (domain, budget, deployment)."""
    raw = event.payload
    kept: dict[str, Any] = {}
    for key in ("target", "domain", "budget", "plan", "type", "amount", "limit", "name"):
        value = raw.get(key)
        if isinstance(value, str | int | float | bool) and not isinstance(value, bool):
            kept[key] = _text(value) if isinstance(value, str) else value
        elif isinstance(value, dict):
            small = {k: v for k, v in value.items() if isinstance(v, str | int | float)}
            kept[key] = {k: _text(v) if isinstance(v, str) else v for k, v in small.items()}
    deployment = raw.get("deployment")
    if isinstance(deployment, dict) and isinstance(deployment.get("id"), str):
        kept["deployment_id"] = deployment["id"][:200]
    return kept
