"""Vercel deployment webhooks end to end: signed deliveries through the dev server into real
PostgreSQL, retries stored once, the state timeline, both store transports, daily metrics."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import psycopg
import pytest

from lib.core.http import MAX_BODY
from lib.core.monitor_config import MonitorConfig
from lib.deployments.metrics import DeploymentCounts
from lib.deployments.store import deployment_timeline, recent_deployments, record_event
from lib.deployments.webhook import parse_event, store_event
from lib.metrics import DayWindow, SourceContext
from tests.alerting import open_store, settings_for
from tests.conftest import DevServer, assert_no_secret
from tests.fakes.vercel import SECRET, account_event, deployment_event, encode, sign
from tests.stores import supabase_store

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PATH = "/api/webhooks/vercel"


@pytest.fixture(scope="module")
def webhook_server(module_db: str) -> Iterator[DevServer]:
    """One dev server for the module's signed deliveries; its log must not contain a secret."""
    server = DevServer({"DATABASE_URL": module_db, "VERCEL_WEBHOOK_SECRET": SECRET})
    yield server
    assert_no_secret(server.close())


@pytest.fixture
def server(webhook_server: DevServer, clean_module_db: str) -> DevServer:
    """The module's dev server over its database, cloned afresh for this test."""
    return webhook_server


def post(server: DevServer, event: dict, **headers: str) -> httpx.Response:
    body, signed = encode(event)
    return server.request("POST", PATH, content=body, headers={**signed, **headers})


def test_signed_deliveries_stored_once_with_their_timeline(
    server: DevServer, clean_module_db: str
) -> None:
    created = deployment_event("deployment.created", "dpl_new111", T0)
    body, headers = encode(created)

    # Wrong, missing or foreign signatures: 403 and nothing stored.
    for bad in ({}, {"x-vercel-signature": "0" * 40}, {"x-vercel-signature": sign(body, "x")}):
        answer = server.request(
            "POST", PATH, content=body, headers={"content-type": "application/json", **bad}
        )
        assert answer.status_code == 403, answer.text
        assert "x-vercel-signature" in answer.json()["error"]
        assert SECRET not in answer.text and SECRET[-10:] not in answer.text
        assert_no_secret(answer.text)
    # A signed body for another body (tampered payload) is refused too.
    tampered = body.replace(b"dpl_new111", b"dpl_evil11")
    assert server.request("POST", PATH, content=tampered, headers=headers).status_code == 403
    with psycopg.connect(clean_module_db) as conn:
        assert conn.execute("select count(*) from monitoring_vercel_events").fetchone()[0] == 0

    # The first delivery is stored; Vercel's retries of it (two at once, too) are not.
    assert post(server, created).json() == {
        "id": created["id"],
        "type": "deployment.created",
        "stored": True,
    }
    answers: list[httpx.Response] = []
    threads = [
        threading.Thread(target=lambda: answers.append(post(server, created))) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.json()["stored"] for a in answers] == [False, False]

    succeeded = deployment_event("deployment.succeeded", "dpl_new111", T0 + timedelta(minutes=2))
    promoted = deployment_event("deployment.promoted", "dpl_new111", T0 + timedelta(minutes=3))
    assert post(server, succeeded).json()["stored"] is True
    assert post(server, promoted).json()["stored"] is True
    # A late retry of `created` after the build finished must not turn it back into building.
    late = deployment_event("deployment.created", "dpl_new111", T0, event_id="evt_created_again")
    assert post(server, late).json()["stored"] is True

    with open_store(clean_module_db) as store:
        (deployment,) = recent_deployments(store, "production")
        timeline = deployment_timeline(store, "dpl_new111")
    assert deployment.state == "ready"
    assert deployment.sha == created["payload"]["deployment"]["meta"]["githubCommitSha"]
    assert (deployment.message, deployment.author, deployment.branch) == (
        "Fix the lead form",
        "jane",
        "main",
    )
    assert deployment.url == "carbot-new111.vercel.app"
    assert deployment.inspect_url == "https://vercel.com/carbot/carbot/dpl_new111"
    assert deployment.created_at == T0
    assert deployment.ready_at == T0 + timedelta(minutes=2)
    assert deployment.promoted_at == T0 + timedelta(minutes=3)
    assert [step["type"] for step in timeline or []] == [
        "deployment.created",
        "deployment.succeeded",
        "deployment.promoted",
        "deployment.created",
    ]
    with psycopg.connect(clean_module_db) as conn:
        assert conn.execute("select count(*) from monitoring_vercel_events").fetchone()[0] == 4


def test_bad_bodies_and_methods(
    server: DevServer,
    clean_module_db: str,
    dev_server: Callable[[dict[str, str]], DevServer],
) -> None:
    assert server.get(PATH).status_code == 405
    for body in (b"not json", b"[]", b'{"id": "x", "type": "deployment.created"}'):
        answer = server.request(
            "POST", PATH, content=body, headers={"x-vercel-signature": sign(body)}
        )
        assert answer.status_code == 400, answer.text
        assert "not a Vercel webhook event" in answer.json()["error"]
    # An event type we do not read is acknowledged (no retry storm) and not stored.
    other = account_event("project.created", T0, "evt_project")
    assert post(server, other).json() == {
        "id": "evt_project",
        "type": "project.created",
        "stored": False,
        "ignored": True,
    }
    unset = dev_server({"DATABASE_URL": clean_module_db})
    body, headers = encode(other)
    assert unset.request("POST", PATH, content=body, headers=headers).status_code == 503


def _preview_and_failures(store_record: Callable[[dict], bool]) -> None:
    events = [
        deployment_event("deployment.created", "dpl_prev01", T0, target=None),
        deployment_event("deployment.error", "dpl_prev01", T0 + timedelta(minutes=1), target=None),
        deployment_event("deployment.created", "dpl_prod01", T0),
        deployment_event("deployment.succeeded", "dpl_prod01", T0 + timedelta(minutes=1)),
        deployment_event("deployment.created", "dpl_prod02", T0 + timedelta(hours=1)),
        deployment_event("deployment.error", "dpl_prod02", T0 + timedelta(hours=1, minutes=1)),
        deployment_event("deployment.created", "dpl_prod03", T0 + timedelta(hours=2)),
        deployment_event("deployment.canceled", "dpl_prod03", T0 + timedelta(hours=2, minutes=1)),
    ]
    for event in events:
        assert store_record(store_event(parse_event(encode(event)[0]))) is True


def test_both_transports_and_the_daily_metrics(migrated_db: str, postgrest: object) -> None:
    day = DayWindow.of(T0.date(), settings_for(migrated_db).metrics_timezone)
    for store in (open_store(migrated_db), supabase_store(postgrest)):
        with store:
            _preview_and_failures(lambda event, s=store: record_event(s, event))
            assert (
                record_event(
                    store,
                    store_event(
                        parse_event(
                            encode(deployment_event("deployment.created", "dpl_prod01", T0))[0]
                        )
                    ),
                )
                is False
            )
            production = recent_deployments(store, "production")
            assert [d.id for d in production] == ["dpl_prod03", "dpl_prod02", "dpl_prod01"]
            assert [d.state for d in production] == ["canceled", "error", "ready"]
            (preview,) = recent_deployments(store, "preview")
            assert (preview.id, preview.target, preview.state) == ("dpl_prev01", "preview", "error")
            assert len(recent_deployments(store, None, limit=2)) == 2

            settings = settings_for(migrated_db, vercel_webhook_secret=SECRET)
            ctx = SourceContext(settings, store, MonitorConfig(), day, float("inf"), True)
            source = DeploymentCounts()
            assert source.missing(ctx) is None
            assert source.collect(ctx) == {
                "deployments": 4.0,
                "deployments_failed": 2.0,
                "build_success_pct": 33.33,
                "deployments_production": 3.0,
                "deployments_failed_production": 1.0,
                "build_success_pct_production": 50.0,
            }
            unset = SourceContext(settings_for(migrated_db), store, MonitorConfig(), day, 0, True)
            assert "VERCEL_WEBHOOK_SECRET" in (source.missing(unset) or "")
            empty = DayWindow.of(T0.date() - timedelta(days=3), settings.metrics_timezone)
            quiet = SourceContext(settings, store, MonitorConfig(), empty, float("inf"), True)
            # No deployment that day: counts are 0 and the success rate is absent, not 0 %.
            assert source.collect(quiet) == {
                "deployments": 0.0,
                "deployments_failed": 0.0,
                "deployments_production": 0.0,
                "deployments_failed_production": 0.0,
            }


def test_oversized_body_is_refused_before_reading(server: DevServer, clean_module_db: str) -> None:
    body = b"x" * (MAX_BODY + 1)
    answer = server.request("POST", PATH, content=body, headers={"x-vercel-signature": sign(body)})
    assert answer.status_code == 413
    assert answer.json() == {"error": f"request body larger than {MAX_BODY // 1024} KiB"}
