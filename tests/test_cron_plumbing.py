"""cron_endpoint: secret gate, run bookkeeping, failures recorded and answered with 5xx."""

from __future__ import annotations

import psycopg
import pytest

from lib.core.config import load_settings
from lib.core.http import HttpError, Request
from lib.jobs import cron_endpoint
from lib.store import Store, StoreError

SECRET = "cron-secret-for-plumbing-test"


def request(url: str, token: str | None = SECRET, **settings: object) -> Request:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return Request(
        method="GET",
        path="/api/cron/x",
        query={},
        headers=headers,
        settings=load_settings(database_url=url, cron_secret=SECRET, **settings),
    )


def runs(url: str) -> list[tuple[str, str, str | None]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "select job, outcome, error from monitoring_cron_runs order by id"
        ).fetchall()


def test_success_failure_and_auth(migrated_db: str) -> None:
    ok = cron_endpoint("demo", lambda req, store: {"wrote": 3})
    response = ok(request(migrated_db))
    assert response.status == 200 and b'"wrote":3' in response.body

    def broken_store(req: Request, store: Store) -> dict[str, object]:
        raise StoreError("connection refused", "monitoring_upsert_daily_metrics")

    failed = cron_endpoint("demo", broken_store)(request(migrated_db))
    assert failed.status == 503 and b"connection refused" in failed.body

    def bad_input(req: Request, store: Store) -> dict[str, object]:
        raise HttpError(400, "day must be YYYY-MM-DD")

    with pytest.raises(HttpError):
        cron_endpoint("demo", bad_input)(request(migrated_db))
    assert runs(migrated_db) == [
        ("demo", "success", None),
        ("demo", "failure", "monitoring_upsert_daily_metrics: connection refused"),
        ("demo", "failure", "day must be YYYY-MM-DD"),
    ]
    for token in (None, "wrong", SECRET + "x"):
        with pytest.raises(HttpError) as caught:
            ok(request(migrated_db, token))
        assert caught.value.status == 401
    assert len(runs(migrated_db)) == 3, "a refused call records no run"


def test_production_without_secret_is_closed(migrated_db: str) -> None:
    settings = load_settings(database_url=migrated_db, vercel_env="production")
    req = Request("GET", "/api/cron/x", {}, {}, settings)
    with pytest.raises(HttpError) as caught:
        cron_endpoint("demo", lambda r, s: {})(req)
    assert caught.value.status == 503
