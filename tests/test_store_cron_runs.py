"""Cron run bookkeeping in the store on both transports: a run older than maxDuration is marked
abandoned at the next start of its job, a younger one is left running."""

from __future__ import annotations

import psycopg

from lib.store import Store


def _age_run(url: str, run_id: int, seconds: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "update monitoring_cron_runs set started_at = now() - make_interval(secs => %s) "
            "where id = %s",
            (seconds, run_id),
        )


def _outcome(url: str, run_id: int) -> tuple[str, str | None]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select outcome, error from monitoring_cron_runs where id = %s", (run_id,)
        ).fetchone()
    assert row is not None
    return row[0], row[1]


def test_stuck_run_is_abandoned_at_the_next_start(store_and_url: tuple[Store, str]) -> None:
    store, url = store_and_url
    stuck = store.cron_start("health_check", 60)
    recent = store.cron_start("daily_metrics", 60)
    _age_run(url, stuck, 61)
    _age_run(url, recent, 30)  # younger than maxDuration: may still be running
    store.cron_start("health_check", 60)
    store.cron_start("daily_metrics", 60)
    outcome, error = _outcome(url, stuck)
    assert outcome == "abandoned" and error is not None and "maxDuration (60 s)" in error
    assert _outcome(url, recent) == ("running", None)
    status = store.cron_status()
    assert status["health_check"].abandoned_7d == 1
    assert status["daily_metrics"].abandoned_7d == 0
    assert status["health_check"].last_success_at is None
