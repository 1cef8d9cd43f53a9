"""Signed Vercel webhook deliveries in the documented envelope.

Shapes from Vercel's "Webhooks API Reference" (https://vercel.com/docs/webhooks/webhooks-api):
`{type, id, createdAt (ms), region, payload}`; deployment events carry `payload.team.id`,
`payload.user.id`, `payload.deployment.{id, meta, url, name}`, `payload.links.{deployment,
project}`, `payload.target` (`production`, `staging` or null), `payload.project.id`, `payload.plan`,
`payload.regions`, and deployment.created `payload.alias`; `domain.certificate.renew.failed`
carries `payload.dnsNames` (its table lists `team.id`, `user.id`, `dnsNames` and nothing else).
`x-vercel-signature` = hex HMAC-SHA1(raw body, the webhook's secret).
The reference publishes key tables, no example JSON: tests/fixtures/vendors/vercel/webhooks/ holds
deliveries with exactly the documented keys, and its SOURCES.md says so.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

SECRET = "vercel-webhook-SECRET-0009"


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def deployment_event(
    event_type: str,
    deployment_id: str,
    at: datetime,
    *,
    target: str | None = "production",
    sha: str = "abc1234def5678abc1234def5678abc1234def56",
    message: str = "Fix the lead form",
    author: str = "jane",
    branch: str = "main",
    event_id: str | None = None,
) -> dict[str, Any]:
    """One deployment.* delivery as Vercel sends it (GitHub integration meta keys)."""
    event = {
        "id": event_id or f"evt_{event_type.split('.')[-1]}_{deployment_id}",
        "type": event_type,
        "createdAt": int(at.timestamp() * 1000),
        "region": "fra1",
        "payload": {
            "team": {"id": "team_carbot"},
            "user": {"id": "user_jane"},
            "deployment": {
                "id": deployment_id,
                "url": f"carbot-{deployment_id[-6:]}.vercel.app",
                "name": "carbot",
                "meta": {
                    "githubCommitSha": sha,
                    "githubCommitMessage": message,
                    "githubCommitAuthorLogin": author,
                    "githubCommitRef": branch,
                    "githubRepo": "carbot",
                    "githubOrg": "carbot-gmbh",
                },
            },
            "links": {
                "deployment": f"https://vercel.com/carbot/carbot/{deployment_id}",
                "project": "https://vercel.com/carbot/carbot",
            },
            "target": target,
            "project": {"id": "prj_carbot"},
            "plan": "pro",
            "regions": ["fra1"],
        },
    }
    if event_type == "deployment.created":  # the reference lists `alias` for this event only
        event["payload"]["alias"] = ["carbot.de"]
    return event


def certificate_renew_failed(
    at: datetime, event_id: str, dns_names: list[str] | None = None
) -> dict[str, Any]:
    """`domain.certificate.renew.failed` with the documented `payload.dnsNames`."""
    names = ["carbot.de"] if dns_names is None else dns_names
    return account_event(
        "domain.certificate.renew.failed",
        at,
        event_id,
        user={"id": "user_jane"},
        dnsNames=names,
    )


def account_event(event_type: str, at: datetime, event_id: str, **payload: Any) -> dict[str, Any]:
    """A non-deployment delivery (domain.certificate.renew.failed, budget.reached)."""
    return {
        "id": event_id,
        "type": event_type,
        "createdAt": int(at.timestamp() * 1000),
        "region": None,
        "payload": {"team": {"id": "team_carbot"}, **payload},
    }


def encode(event: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """The raw body and headers of one signed delivery."""
    body = json.dumps(event).encode()
    return body, {"content-type": "application/json", "x-vercel-signature": sign(body)}
