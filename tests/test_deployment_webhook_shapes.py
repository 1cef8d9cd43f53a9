"""Vercel webhook payloads as Vercel documents them, and every field that is not: over real HTTP
through the dev server into PostgreSQL (lib/deployments/webhook.py, the webhook endpoint)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from lib.alerts.rules import RuleContext
from lib.alerts.rules.deployments import BuildFailed, CertificateRenewalFailed
from lib.deployments.store import recent_deployments
from tests.alerting import open_store, settings_for
from tests.conftest import DevServer
from tests.fakes.vercel import (
    SECRET,
    account_event,
    certificate_renew_failed,
    deployment_event,
    encode,
    sign,
)

PATH = "/api/webhooks/vercel"
VENDOR = Path(__file__).parent / "fixtures" / "vendors" / "vercel" / "webhooks"
DOCUMENTED = json.loads((VENDOR / "documented-keys.json").read_text())
FIXTURES = sorted(p.name for p in VENDOR.glob("*.json") if p.name != "documented-keys.json")


def post_raw(server: DevServer, body: bytes) -> httpx.Response:
    headers = {"content-type": "application/json", "x-vercel-signature": sign(body)}
    return server.request("POST", PATH, content=body, headers=headers)


def post(server: DevServer, event: dict[str, Any]) -> httpx.Response:
    body, headers = encode(event)
    return server.request("POST", PATH, content=body, headers=headers)


def key_paths(node: dict[str, Any], prefix: str = "") -> set[str]:
    """`payload.deployment.id`...: the leaf keys of a delivery (maps like `meta` are leaves)."""
    found = set()
    for key, value in node.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value and key != "meta":
            found |= key_paths(value, path + ".")
        else:
            found.add(path)
    return found


@pytest.mark.parametrize("name", FIXTURES)
def test_fixtures_carry_exactly_the_documented_keys(name: str) -> None:
    event = json.loads((VENDOR / name).read_text())
    assert set(event) == set(DOCUMENTED["envelope"])
    documented = set(DOCUMENTED[event["type"]])
    payload = key_paths(event["payload"], "payload.")
    assert payload == documented, (payload - documented, documented - payload)


def test_documented_deliveries_unchanged(
    migrated_db: str, dev_server: Callable[[dict[str, str]], DevServer]
) -> None:
    server = dev_server({"DATABASE_URL": migrated_db, "VERCEL_WEBHOOK_SECRET": SECRET})
    for name in FIXTURES:
        answer = post_raw(server, (VENDOR / name).read_bytes())
        assert answer.status_code == 200, (name, answer.text)
        assert answer.json()["stored"] is True
    created = json.loads((VENDOR / "deployment.created.json").read_text())["payload"]
    with open_store(migrated_db) as store:
        deployments = {d.id: d for d in recent_deployments(store, "production")}
        failed = deployments[created["deployment"]["id"]]
        # alias, project, acting user and regions are kept beside the commit.
        assert failed.alias == ["carbot.de", "www.carbot.de"]
        assert failed.project_id == created["project"]["id"]
        assert failed.user_id == created["user"]["id"]
        assert failed.regions == ["fra1"]
        assert failed.state == "error" and failed.sha is None  # `meta` documented, empty here
        assert failed.inspect_url == created["links"]["deployment"]
        # The certificate alert names the domains of `dnsNames`.
        now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
        ctx = RuleContext(store, settings_for(migrated_db, vercel_webhook_secret=SECRET), now)
        (cert,) = CertificateRenewalFailed(threshold=1, severity="critical").observe(ctx)
    assert cert.state == "firing"
    assert "carbot.de, www.carbot.de" in cert.message and "a domain" not in cert.message


def test_certificate_alert_names_many_domains_briefly(migrated_db: str) -> None:
    from lib.deployments.store import record_event
    from lib.deployments.webhook import parse_event, store_event

    now = datetime.now(UTC)
    names = [f"shop{i}.carbot.de" for i in range(8)]
    with open_store(migrated_db) as store:
        event = certificate_renew_failed(now - timedelta(hours=1), "evt_many", names)
        record_event(store, store_event(parse_event(encode(event)[0])))
        ctx = RuleContext(store, settings_for(migrated_db, vercel_webhook_secret=SECRET), now)
        (cert,) = CertificateRenewalFailed(threshold=1, severity="critical").observe(ctx)
    assert "shop0.carbot.de, shop1.carbot.de" in cert.message and "and 3 more" in cert.message


def _wrong(field: str, change: Callable[[dict[str, Any]], None]) -> tuple[str, dict[str, Any]]:
    event = deployment_event("deployment.created", "dpl_wrong1", datetime.now(UTC))
    change(event)
    return field, event


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    def change(event: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = event
        for key in parents:
            node = node[key]
        node[last] = value

    return change


BAD = [
    _wrong("createdAt", _set("createdAt", 10**20)),  # far beyond year 9999
    _wrong("createdAt", _set("createdAt", 4102444800000)),  # 2100-01-01
    _wrong("createdAt", _set("createdAt", 1000)),  # 1970
    _wrong("createdAt", _set("createdAt", True)),
    _wrong("payload.deployment", _set("payload.deployment", "dpl_text")),
    _wrong("payload.deployment", _set("payload.deployment", ["dpl_1"])),
    _wrong("payload.links", _set("payload.links", "https://vercel.com/x")),
    _wrong("payload.links.deployment", _set("payload.links.deployment", 42)),
    _wrong("id", _set("id", "evt_\x00nul")),
    _wrong("id", _set("id", "e" * 201)),
    _wrong("payload.deployment.id", _set("payload.deployment.id", "dpl_\x00nul")),
    _wrong("payload.deployment.id", _set("payload.deployment.id", "d" * 201)),
    _wrong("payload.deployment.url", _set("payload.deployment.url", "x" * 5000)),
    _wrong("payload.target", _set("payload.target", "t" * 300)),
    _wrong("payload.alias[0]", _set("payload.alias", [7])),
    _wrong("payload.regions", _set("payload.regions", "fra1")),
    _wrong("payload.user.id", _set("payload.user.id", "u\x00")),
    _wrong("payload", _set("payload", ["not", "an", "object"])),
    _wrong("payload.team", _set("payload.team", "team_carbot")),
]


def test_wrong_fields_are_a_400_naming_the_field(
    migrated_db: str, dev_server: Callable[[dict[str, str]], DevServer]
) -> None:
    server = dev_server({"DATABASE_URL": migrated_db, "VERCEL_WEBHOOK_SECRET": SECRET})
    for field, event in BAD:
        answer = post(server, event)
        assert answer.status_code == 400, (field, answer.status_code, answer.text)
        error = answer.json()["error"]
        assert error.startswith("not a Vercel webhook event: invalid "), error
        assert field in error.removeprefix("not a Vercel webhook event: invalid ").split(", ")
    # A NUL inside free text (a commit message) is dropped, not refused and not a 503.
    at = datetime.now(UTC)
    clean = deployment_event("deployment.created", "dpl_msgnul", at, message="a\x00b")
    assert post(server, clean).status_code == 200
    with psycopg.connect(migrated_db) as conn:
        kept = conn.execute("select id, message from monitoring_deployments").fetchall()
    assert kept == [("dpl_msgnul", "ab")]
    # Nor in the small payload part kept for the rules (keys and values alike), nor NaN.
    budget = account_event(
        "budget.reached", at, "evt_budget_nul", budget={"li\x00mit": "10\x00 USD", "x": 1.5}
    )
    assert post(server, budget).json()["stored"] is True
    with psycopg.connect(migrated_db) as conn:
        (payload,) = conn.execute(
            "select payload from monitoring_vercel_events where id = 'evt_budget_nul'"
        ).fetchone()
    assert payload["budget"] == {"limit": "10 USD", "x": 1.5}


def test_a_future_date_cannot_make_the_newest_deployment(
    migrated_db: str, dev_server: Callable[[dict[str, str]], DevServer]
) -> None:
    server = dev_server({"DATABASE_URL": migrated_db, "VERCEL_WEBHOOK_SECRET": SECRET})
    now = datetime.now(UTC)
    # Year 2100: no clock is that wrong; refused, so it can silence nothing until 2100.
    far = deployment_event("deployment.succeeded", "dpl_y2100", datetime(2100, 1, 1, tzinfo=UTC))
    assert post(server, far).status_code == 400
    # Six hours ahead: stored, but at its arrival time, as the answer says.
    ahead = deployment_event("deployment.succeeded", "dpl_ahead", now + timedelta(hours=6))
    answer = post(server, ahead).json()
    assert answer["stored"] is True
    arrived = datetime.fromisoformat(answer["created_at"])
    assert now - timedelta(seconds=1) <= arrived <= datetime.now(UTC)
    # A failed build after it is the newest production build, and fires.
    failed = deployment_event("deployment.error", "dpl_failed", now + timedelta(seconds=30))
    assert post(server, failed).json()["stored"] is True
    with open_store(migrated_db) as store:
        newest = recent_deployments(store, "production")[0]
        ctx = RuleContext(
            store,
            settings_for(migrated_db, vercel_webhook_secret=SECRET),
            now + timedelta(minutes=1),
        )
        found = {o.key: o for o in BuildFailed(threshold=1, severity="critical").observe(ctx)}
    assert newest.id == "dpl_failed"
    assert found["build_failed:production"].state == "firing"
    with psycopg.connect(migrated_db) as conn:
        ids = {row[0] for row in conn.execute("select id from monitoring_deployments")}
        sent = conn.execute(
            "select payload ->> 'created_at_sent' from monitoring_vercel_events"
            " where deployment_id = 'dpl_ahead'"
        ).fetchone()
    assert "dpl_y2100" not in ids
    assert sent is not None and sent[0].startswith((now + timedelta(hours=6)).date().isoformat())
