"""Report crons and endpoints over real HTTP through the dev server, against the fakes."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from lib.jobs.reports import too_early
from tests.alerting import open_store
from tests.conftest import SECRETS, DevServer, assert_no_secret, vendor_env
from tests.fakes.billing import BillingStripe
from tests.fakes.vendors import FakeOpenAI, FakeResend
from tests.report_seed import BERLIN, CONFIG, seed_all

CRON = {"Authorization": f"Bearer {SECRETS['CRON_SECRET']}"}
TOKEN = {"Authorization": f"Bearer {SECRETS['HEALTH_TOKEN']}"}


@pytest.fixture(scope="module")
def stripe() -> Iterator[BillingStripe]:
    fake = BillingStripe()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def report_server(
    module_db: str,
    tmp_path_factory: pytest.TempPathFactory,
    stripe: BillingStripe,
    fake_openai: FakeOpenAI,
    fake_resend: FakeResend,
) -> Iterator[DevServer]:
    """One dev server for the module; its log must not contain a secret either."""
    config = tmp_path_factory.mktemp("reports") / "monitoring.toml"
    config.write_text(CONFIG)
    env = vendor_env(
        fake_openai,
        stripe,
        fake_resend,
        module_db,
        MONITOR_CONFIG=str(config),
        REPORT_EMAIL_TO="owners@carbot.de",
        ALERT_EMAIL_FROM="CarBot Monitor <monitor@carbot.de>",
    )
    server = DevServer(env)
    yield server
    assert_no_secret(server.close())


@pytest.fixture
def server(report_server: DevServer, clean_module_db: str, stripe: BillingStripe) -> DevServer:
    """The module's dev server over a freshly cloned, freshly seeded database."""
    stripe.reset()
    with open_store(clean_module_db) as store:
        seed_all(clean_module_db, store, stripe)
    return report_server


def test_two_concurrent_cron_runs_for_one_week_send_one_email(
    server: DevServer, fake_resend: FakeResend
) -> None:
    path = "/api/cron/weekly_report?week=2026-W43"
    fake_resend.delay_s = 1.0  # the first send holds its claim while the second request reads
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda _: server.get(path, headers=CRON), range(2)))
    assert [a.status_code for a in answers] == [200, 200]
    # `?week=` is a deliberate resend: the second request either met the first one's claim or
    # found the week sent since it looked (which word depends on timing); it never sends again.
    outcomes = sorted(a.json()["sends"][0]["outcome"] for a in answers)
    assert outcomes in (["already sent", "sent"], ["claimed by another run", "sent"])
    assert [e["subject"] for e in fake_resend.emails] == ["CarBot week 43: 3 of 6 criteria met"]
    built = server.get("/api/cron/weekly_report?week=2026-W43&send=false", headers=CRON).json()
    assert (built["built"], built["sends"]) == (True, [])
    assert len(fake_resend.emails) == 1


def test_cron_refuses_bad_periods_and_a_missing_secret(server: DevServer) -> None:
    assert server.get("/api/cron/weekly_report?week=2026-W43").status_code == 401
    for query, words in (
        ("week=2026-48", "week must be YYYY-Www"),
        ("week=2026-W54", "week must be YYYY-Www"),
        ("week=2099-W01", "week 2099-W01 is in the future"),
        ("week=2026-W43&send=maybe", "send must be true or false"),
    ):
        answer = server.get(f"/api/cron/weekly_report?{query}", headers=CRON)
        assert answer.status_code == 400 and words in answer.json()["error"], query
    answer = server.get("/api/cron/monthly_report?month=2026-13", headers=CRON)
    assert answer.status_code == 400 and "month must be YYYY-MM" in answer.json()["error"]


def test_a_failed_send_answers_502_and_keeps_the_report(
    server: DevServer, fake_resend: FakeResend
) -> None:
    fake_resend.mode = "500"
    answer = server.get("/api/cron/monthly_report?month=2026-10", headers=CRON)
    assert answer.status_code == 502
    assert "report stored, e-mail failed (2026-10: resend answered 500)" in answer.json()["error"]
    stored = server.get("/api/reports/monthly?month=2026-10", headers=TOKEN)
    assert stored.status_code == 200 and stored.json()["period"] == "2026-10"


def test_report_endpoint_in_every_format(server: DevServer) -> None:
    assert server.get("/api/reports/weekly").status_code == 401
    missing = server.get("/api/reports/weekly", headers=TOKEN)
    assert missing.status_code == 404 and "no weekly report stored yet" in missing.json()["error"]
    forms = {
        "json": "application/json",
        "md": "text/markdown; charset=utf-8",
        "html": "text/html; charset=utf-8",
        "txt": "text/plain; charset=utf-8",
    }
    bodies = {}
    for form, content_type in forms.items():
        answer = server.get(f"/api/reports/weekly?week=2026-W43&format={form}", headers=TOKEN)
        assert answer.status_code == 200 and answer.headers["content-type"] == content_type
        bodies[form] = answer.text
    body = server.get("/api/reports/weekly?week=2026-W43", headers=TOKEN).json()
    assert {"period", "generated_at", "headline", "sections", "criteria"} <= set(body)
    assert body["headline"] == "3 of 6 criteria met"
    assert "## Success Criteria" in bodies["md"] and "SUCCESS CRITERIA" in bodies["txt"]
    assert bodies["html"].startswith("<!doctype html>")
    bad = server.get("/api/reports/weekly?week=2026-W43&format=pdf", headers=TOKEN)
    assert bad.status_code == 400 and "format must be one of" in bad.json()["error"]
    now = datetime.now(UTC).astimezone(BERLIN).isocalendar()
    current = f"{now.year}-W{now.week:02d}"
    answer = server.get(f"/api/reports/weekly?week={current}", headers=TOKEN)
    assert answer.status_code == 400 and "has not ended yet" in answer.json()["error"]


def test_alert_episodes_endpoint(server: DevServer) -> None:
    assert server.get("/api/alerts?days=90").status_code == 401
    assert server.get("/api/alerts?days=0", headers=TOKEN).status_code == 400
    body = server.get("/api/alerts?days=90", headers=TOKEN).json()
    rules = {e["rule"]: e for e in body["episodes"]}
    assert body["days"] == 90 and set(rules) <= {"payment_failure_rate", "email_bounce_rate"}
    # The open bounce episode overlaps any window that ends now.
    assert rules["email_bounce_rate"]["open"] is True


@pytest.mark.parametrize(
    ("utc", "early"),
    [
        (datetime(2026, 11, 30, 4, 0, tzinfo=UTC), True),  # winter: 05:00 Berlin
        (datetime(2026, 11, 30, 5, 0, tzinfo=UTC), False),  # winter: 06:00 Berlin
        (datetime(2026, 6, 1, 4, 0, tzinfo=UTC), False),  # summer: 06:00 Berlin
        (datetime(2026, 6, 1, 5, 0, tzinfo=UTC), False),  # summer: 07:00 (retry run)
        (datetime(2026, 12, 1, 4, 0, tzinfo=UTC), False),  # a Tuesday: not the due day
    ],
)
def test_the_utc_schedule_delivers_at_06_berlin_all_year(utc: datetime, early: bool) -> None:
    assert too_early("weekly", utc, BERLIN) is early
