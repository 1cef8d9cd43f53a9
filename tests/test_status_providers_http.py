"""/api/status through the dev server: open provider incidents for everyone, the last production
deployments only with HEALTH_TOKEN (and then never from a shared cache)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from lib.deployments.store import record_event
from lib.deployments.webhook import parse_event, store_event
from tests.alerting import INCIDENT, T0, open_store, record_incident
from tests.conftest import SECRETS, DevServer, assert_no_secret
from tests.fakes.vercel import deployment_event, encode


@pytest.fixture(scope="module")
def server(module_db: str) -> Iterator[DevServer]:
    """One dev server over `module_db`, which each test takes afresh (`clean_module_db`): the
    server reads the store per request and keeps no status cache of its own."""
    started = DevServer({"DATABASE_URL": module_db, "HEALTH_TOKEN": SECRETS["HEALTH_TOKEN"]})
    yield started
    assert_no_secret(started.close())


def test_status_shows_providers_and_token_only_deployments(
    clean_module_db: str, server: DevServer
) -> None:
    migrated_db = clean_module_db
    with open_store(migrated_db) as store:
        record_incident(store, INCIDENT)
        for n in range(12):
            at = T0 + timedelta(minutes=n)
            for kind in ("deployment.created", "deployment.succeeded"):
                event = deployment_event(kind, f"dpl_prod{n:02d}", at)
                record_event(store, store_event(parse_event(encode(event)[0])))
        preview = deployment_event("deployment.created", "dpl_preview", T0, target=None)
        record_event(store, store_event(parse_event(encode(preview)[0])))

    public = server.get("/api/status")
    assert public.status_code == 200
    body = public.json()
    assert "deployments" not in body
    assert public.headers["cache-control"].startswith("public")
    stripe = body["providers"]["stripe"]
    assert (stripe["title"], stripe["indicator"], stripe["readable"]) == ("Stripe", "minor", True)
    assert (stripe["status"], stripe["reason"]) == ("degraded_performance", None)
    (incident,) = stripe["incidents"]
    assert incident["name"] == "Elevated API errors"
    assert incident["url"] == "https://www.stripestatus.com/incidents/x1"

    wrong = server.get("/api/status", headers={"Authorization": "Bearer nope"})
    assert "deployments" not in wrong.json()

    auth = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}
    detailed = server.get("/api/status", headers=auth)
    assert detailed.headers["cache-control"] == "private, no-store"
    deployments = detailed.json()["deployments"]
    assert [d["id"] for d in deployments] == [f"dpl_prod{n:02d}" for n in range(11, 1, -1)]
    assert {d["state"] for d in deployments} == {"ready"}
    assert deployments[0]["sha"].startswith("abc1234")
    assert_no_secret(detailed.text)


def test_status_shows_upcoming_maintenance_unreadable_pages_and_https_links_only(
    clean_module_db: str, server: DevServer
) -> None:
    migrated_db = clean_module_db
    unsafe = {**INCIDENT, "name": "Unsafe link", "url": "javascript:alert(1)"}
    plain = {**INCIDENT, "name": "Plain http link", "url": "http://stspg.io/x"}
    maintenance = {
        "provider": "vercel",
        "name": "Database upgrade",
        "status": "scheduled",
        "scheduled_for": (T0 + timedelta(days=2)).isoformat(),
        "scheduled_until": (T0 + timedelta(days=2, hours=2)).isoformat(),
        "url": "https://www.vercel-status.com/incidents/m1",
    }
    row = {"checked_at": T0.isoformat(), "description": None, "error": None}
    with open_store(migrated_db) as store:
        store.call(
            "monitoring_provider_record",
            p_rows=[
                {**row, "provider": "stripe", "kind": "feed", "ok": True, "indicator": "minor",
                 "incidents": [unsafe, plain]},
                {**row, "provider": "vercel", "kind": "statuspage", "ok": True,
                 "indicator": "none", "incidents": [], "maintenances": [maintenance]},
                {**row, "provider": "resend", "kind": "feed", "ok": False, "indicator": None,
                 "error": "status page answered 404", "incidents": []},
            ],
        )  # fmt: skip
    providers = server.get("/api/status").json()["providers"]
    assert [i["url"] for i in providers["stripe"]["incidents"]] == [None, None]
    assert "javascript" not in server.get("/api/status").text
    (upcoming,) = providers["vercel"]["maintenance"]
    assert (upcoming["name"], upcoming["status"]) == ("Database upgrade", "upcoming")
    assert providers["vercel"]["incidents"] == []
    resend = providers["resend"]
    assert (resend["readable"], resend["error"]) == (False, "status page answered 404")
    # issue 26: an unreadable page is `unknown` for the page, never "no incident"
    assert (resend["status"], resend["reason"]) == ("unknown", "unreadable")
