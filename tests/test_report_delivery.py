"""Reports stored one row per period and e-mailed once: concurrent runs, failed sends retried,
deliberate resends; missing sources reported as missing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from lib.core.config import load_settings
from lib.core.monitor_config import load_monitor_config, parse_monitor_config
from lib.reports import store as report_store
from lib.reports.build import build_report
from lib.reports.delivery import DeliveryReport, deliver, send_stored
from tests.alerting import open_store
from tests.fakes.billing import BillingStripe
from tests.fakes.vendors import FakeResend
from tests.report_seed import BEFORE, NOW, WEEK, report_settings, seed_all
from tests.stores import supabase_store

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db


@pytest.fixture(scope="module")
def stripe() -> Iterator[BillingStripe]:
    fake = BillingStripe()
    yield fake
    fake.close()


@pytest.fixture
def settings(migrated_db: str, tmp_path: Path, stripe: BillingStripe, fake_resend: FakeResend):
    stripe.reset()
    with open_store(migrated_db) as store:
        seed_all(migrated_db, store, stripe)
    return report_settings(migrated_db, tmp_path, stripe, fake_resend)


def run(settings, period=WEEK, *, rebuild: bool = False, send: bool = True) -> DeliveryReport:
    with open_store(str(settings.database_url.get_secret_value())) as store:
        config = load_monitor_config(settings)
        return deliver(store, settings, config, period, NOW, rebuild=rebuild, send=send)


def test_missing_sources_are_reported_as_missing(migrated_db: str) -> None:
    settings = load_settings(database_url=migrated_db)
    config = parse_monitor_config('[reports.support_tickets]\ntable = "tickets"\n')
    with open_store(migrated_db) as store:
        report = build_report(store, settings, config, WEEK, NOW)
    f = {fig.key: fig for s in report.sections for fig in s.figures}
    assert all(fig.value is None for fig in f.values())
    assert f["uptime_pct"].missing == "no data: no health checks stored"
    assert f["response_avg_ms"].missing == "no data: no Vercel drain"
    assert f["error_rate_pct"].missing == "no data: no Vercel drain"
    assert f["revenue_cents"].missing == "no data: no Stripe metrics"
    assert f["email_delivery_pct"].missing == "no data: no Resend metrics"
    assert f["openai_cost_usd"].missing.startswith("no data: no OpenAI cost metrics")
    assert f["support_tickets"].missing == (
        "no data: the table of [reports.support_tickets] or its column does not exist"
    )
    assert "availability_pct" not in f  # no drain: no real-traffic figure at all
    assert all(c.met is None for c in report.criteria)
    assert report.headline == "0 of 0 criteria met, 6 without data"
    assert report.recommendations == []
    with open_store(migrated_db) as store:
        bare = build_report(store, settings, parse_monitor_config(""), WEEK, NOW)
    tickets = next(fig for s in bare.sections for fig in s.figures if fig.key == "support_tickets")
    assert tickets.missing == "no source configured ([reports.support_tickets])"


def test_two_concurrent_runs_send_one_email(settings, fake_resend: FakeResend) -> None:
    results: list[DeliveryReport] = []
    barrier = threading.Barrier(2)

    def one() -> None:
        barrier.wait()
        results.append(run(settings))

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 2
    assert sorted(r.sends[0].outcome for r in results) in (
        ["already sent", "sent"],
        ["claimed by another run", "sent"],
    )
    (email,) = fake_resend.emails
    assert email["subject"] == "CarBot week 43: 3 of 6 criteria met"
    assert email["to"] == ["owners@carbot.de"]
    assert email["html"].startswith("<!doctype html>") and "SUCCESS CRITERIA" in email["text"]
    assert [t["value"] for t in email["tags"]] == ["report_weekly"]
    again = run(settings)
    assert (again.built, again.sends[0].outcome) == (False, "already sent")
    assert len(fake_resend.emails) == 1
    with psycopg.connect(settings.database_url.get_secret_value()) as conn:
        rows = conn.execute("select period, sent_at is not null from monitoring_reports").fetchall()
    assert rows == [("2026-W43", True)]  # one row per period


def test_a_failed_send_is_retried_by_the_next_run(settings, fake_resend: FakeResend) -> None:
    fake_resend.mode = "500"
    failed = run(settings, BEFORE)
    assert (failed.sends[0].outcome, failed.sends[0].error) == ("failed", "resend answered 500")
    with open_store(settings.database_url.get_secret_value()) as store:
        stored = report_store.load(store, "weekly", BEFORE.key)
    assert stored is not None and stored.sent_at is None and stored.send_error
    fake_resend.mode = "ok"
    later = run(settings, WEEK)  # the next week's run retries the week whose e-mail failed
    assert [(s.period, s.outcome) for s in later.sends] == [
        ("2026-W43", "sent"),
        ("2026-W42", "sent"),
    ]
    assert [e["subject"].split(":")[0] for e in fake_resend.emails] == [
        "CarBot week 43",
        "CarBot week 42",
    ]
    # Resend deduplicates a retried request by its key; each attempt has its own.
    keys = [r.headers["idempotency-key"] for r in fake_resend.requests if r.method == "POST"]
    assert keys[-1] == "carbot-report-weekly-2026-W42-2" and len(set(keys)) == len(keys)


def test_rebuild_resends_and_send_false_only_builds(settings, fake_resend: FakeResend) -> None:
    first = run(settings, send=False)
    assert first.built and first.sends == [] and fake_resend.emails == []
    run(settings)
    assert len(fake_resend.emails) == 1
    again = run(settings, rebuild=True)
    assert again.built and again.sends[0].outcome == "sent"
    assert len(fake_resend.emails) == 2
    run(settings, rebuild=True, send=False)
    assert len(fake_resend.emails) == 2


def test_a_forced_resend_goes_out_only_if_nobody_sent_since_it_looked(
    settings, fake_resend: FakeResend
) -> None:
    """Two overlapping `?week=` requests read the same `sent_at`; the first to claim resends, the
    second finds it changed (CI once saw both send when the first had already released)."""
    run(settings)
    with open_store(settings.database_url.get_secret_value()) as store:
        seen = report_store.load(store, "weekly", WEEK.key)
        assert seen is not None and seen.sent_at is not None
        report = seen.body
        first = send_stored(store, settings, report, True, seen.sent_at)
        second = send_stored(store, settings, report, True, seen.sent_at)
        assert (first.outcome, second.outcome) == ("sent", "already sent")
        assert not report_store.claim_send(store, "weekly", WEEK.key, True, None)  # never looked
        latest = report_store.load(store, "weekly", WEEK.key)
        assert latest is not None and latest.sent_at is not None
        assert send_stored(store, settings, report, True, latest.sent_at).outcome == "sent"
    assert len(fake_resend.emails) == 3


def test_both_transports_build_the_same_report(
    supabase_db: str, postgrest, tmp_path: Path, stripe: BillingStripe, fake_resend: FakeResend
) -> None:
    stripe.reset()
    with open_store(supabase_db) as store:
        seed_all(supabase_db, store, stripe)
    with psycopg.connect(supabase_db, autocommit=True) as conn:
        # Supabase grants service_role every public table; this cluster only has the roles.
        conn.execute("grant select on public.support_tickets to service_role")
    settings = report_settings(supabase_db, tmp_path, stripe, fake_resend)
    config = load_monitor_config(settings)
    with open_store(supabase_db) as store:
        direct = build_report(store, settings, config, WEEK, NOW)
    with supabase_store(postgrest) as store:
        via_rpc = build_report(store, settings, config, WEEK, NOW)
        report_store.save(store, via_rpc)
        assert report_store.claim_send(store, "weekly", WEEK.key, False)
        assert not report_store.claim_send(store, "weekly", WEEK.key, False)
        stored = report_store.load(store, "weekly", None)
    assert via_rpc.model_dump(exclude={"generated_at"}) == direct.model_dump(
        exclude={"generated_at"}
    )
    assert stored is not None and stored.body.headline == "3 of 6 criteria met"
    assert {"monitoring_report_metrics", "monitoring_report_counts"} <= set(postgrest.calls)
