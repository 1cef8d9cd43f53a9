"""The cron endpoints over real HTTP: a stuck run is marked abandoned; ?day= bounds."""

from __future__ import annotations

import psycopg
import pytest

from tests.conftest import SECRETS, DevServer
from tests.fakes import FakeUpstream

CRON = {"Authorization": f"Bearer {SECRETS['CRON_SECRET']}"}


def vendor_calls(*fakes: FakeUpstream) -> int:
    return sum(len(fake.requests) for fake in fakes)


def test_next_cron_start_marks_a_stuck_run_abandoned(
    vendor_server: DevServer, module_db: str
) -> None:
    with psycopg.connect(module_db, autocommit=True) as conn:
        (stuck,) = conn.execute(
            "insert into monitoring_cron_runs (job, started_at) "
            "values ('health_check', now() - interval '61 seconds') returning id"
        ).fetchone()
    assert vendor_server.get("/api/cron/health_check", headers=CRON).status_code == 200
    with psycopg.connect(module_db) as conn:
        outcome = conn.execute(
            "select outcome from monitoring_cron_runs where id = %s", (stuck,)
        ).fetchone()
    assert outcome == ("abandoned",)


@pytest.mark.parametrize(
    ("day", "error"),
    [
        ("0001-01-01", "day 0001-01-01 is too old; the oldest day accepted is "),
        ("0015-02-01", "day 0015-02-01 is too old; the oldest day accepted is "),
        ("", "day is empty; give a date as YYYY-MM-DD or leave day out"),
    ],
)
def test_day_out_of_bounds_is_a_400(
    vendor_server: DevServer,
    day: str,
    error: str,
    fake_openai,
    fake_stripe,
    fake_resend,
    module_db: str,
) -> None:
    response = vendor_server.get(f"/api/cron/daily_metrics?day={day}", headers=CRON)
    assert response.status_code == 400
    assert response.json()["error"].startswith(error)
    assert vendor_calls(fake_openai, fake_stripe, fake_resend) == 0
    with psycopg.connect(module_db) as conn:
        assert conn.execute("select count(*) from monitoring_daily_metrics").fetchone() == (0,)
