"""Attribution: our alerts name the provider incident behind them, and the alerts one incident
causes are sent once as one update, also under two overlapping cron runs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lib.alerts.attribution import provider_for
from lib.alerts.config_state import load_rules
from lib.jobs.health_check import check_and_alert
from lib.probes import Level, ProbeResult
from lib.providers.refresh import Refresh, start_refresh
from lib.store import Store
from tests.alerting import (
    INCIDENT,
    T0,
    YESTERDAY,
    notify_settings,
    only_rules,
    open_store,
    seed_checks,
    seed_metrics,
)
from tests.conftest import SECRETS
from tests.fakes.status import FakeStatusPage
from tests.fakes.vendors import FakeResend
from tests.fakes.webhook import FakeWebhook

MIN = timedelta(minutes=1)
RESULTS = {
    "database": ProbeResult(level=Level.OK, latency_ms=5),
    "stripe": ProbeResult(level=Level.DOWN, reason="timeout"),
}


def stripe_trouble(store: Store) -> None:
    """Stripe down for 5 minutes and yesterday's payments failing: two Stripe alerts."""
    seed_checks(store, "stripe", [(T0 - 5 * MIN, "down")])
    seed_metrics(store, YESTERDAY, payments_failed=100, payments_succeeded=900)


@pytest.fixture
def stripe_page() -> Iterator[FakeStatusPage]:
    """Stripe's status feed on 127.0.0.1 (the refresh reads it; PROVIDER_STATUS off clears)."""
    page = FakeStatusPage()
    yield page
    page.close()


def settings(
    url: str, tmp_path: Path, resend: FakeResend, hook: FakeWebhook, page: FakeStatusPage
) -> Any:
    others = "".join(
        f"[providers.{name}]\nenabled = false\n"
        for name in ("vercel", "supabase", "openai", "resend")
    )
    stripe = f'[providers.stripe]\nkind = "feed"\nurl = "{page.feed_url}"\n'
    config = only_rules(
        tmp_path, "service_unresponsive", "payment_failure_rate", extra=others + stripe
    )
    return notify_settings(
        url,
        resend.url,
        hook.hook_url,
        config,
        critical_services="database,stripe",
        stripe_secret_key=SECRETS["STRIPE_SECRET_KEY"],
        provider_status=True,
    )


def stripe_reports(store: Store, s: Any, page: FakeStatusPage, at: datetime) -> None:
    """INCIDENT as Stripe's feed reports it, read by a provider refresh at `at`."""
    page.open_incident(INCIDENT["name"], datetime.fromisoformat(INCIDENT["started_at"]))
    refresh = start_refresh(store, load_rules(s)[0], at)
    assert isinstance(refresh, Refresh)
    refresh.finish(store)


def test_rules_map_to_their_providers() -> None:
    assert provider_for("service_unresponsive:database") == "supabase"
    assert provider_for("service_unresponsive:stripe") == "stripe"
    assert provider_for("payment_failure_rate") == "stripe"
    assert provider_for("service_unresponsive:email") == "resend"
    assert provider_for("service_unresponsive:openai") == "openai"
    assert provider_for("build_failed:production") == "vercel"
    assert provider_for("database_connection_errors") == "supabase"
    assert provider_for("tls_expiry") is None


def test_one_update_for_one_incident_under_overlapping_runs(
    migrated_db: str,
    tmp_path: Path,
    fake_resend: FakeResend,
    fake_webhook: FakeWebhook,
    stripe_page: FakeStatusPage,
) -> None:
    s = settings(migrated_db, tmp_path, fake_resend, fake_webhook, stripe_page)
    with open_store(migrated_db) as store:
        stripe_trouble(store)
        # Read 4 minutes before: both runs below find it stored and do not refresh.
        stripe_reports(store, s, stripe_page, T0 - 4 * MIN)
    summaries: list[dict[str, Any]] = []

    def one() -> None:
        with open_store(migrated_db) as store:
            summaries.append(check_and_alert(store, s, T0, results=RESULTS))

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Both alerts fired (each recorded once), and went out as ONE update per channel.
    fired = [
        key
        for summary in summaries
        for key, alert in summary["alerts"].items()
        if alert["event"] == "firing"
    ]
    assert sorted(fired) == ["payment_failure_rate", "service_unresponsive:stripe"]
    (email,) = fake_resend.emails
    (chat,) = fake_webhook.payloads
    assert "Stripe reports 'Elevated API errors' since 11:40 UTC (investigating)" in email["text"]
    assert "Also firing from this provider incident:" in email["text"]
    titles = ("Payment failure rate", "Critical service unresponsive (stripe)")
    assert sum(title in email["subject"] for title in titles) == 1
    assert all(title in email["text"] for title in titles)
    assert "Elevated API errors" in chat["text"] and "also firing" in chat["text"]
    with open_store(migrated_db) as store:
        rows = store.alerts()
    assert rows["payment_failure_rate"].state == "firing"
    assert rows["service_unresponsive:stripe"].state == "firing"
    assert (
        not rows["payment_failure_rate"].pending and not rows["service_unresponsive:stripe"].pending
    )


def test_resolutions_still_go_out_on_their_own(
    migrated_db: str,
    tmp_path: Path,
    fake_resend: FakeResend,
    fake_webhook: FakeWebhook,
    stripe_page: FakeStatusPage,
) -> None:
    s = settings(migrated_db, tmp_path, fake_resend, fake_webhook, stripe_page)
    with open_store(migrated_db) as store:
        stripe_trouble(store)
        stripe_reports(store, s, stripe_page, T0 - 4 * MIN)
        check_and_alert(store, s, T0, results=RESULTS)
        assert len(fake_resend.emails) == 1
        # Stripe answers again and the incident is over: the service alert resolves.
        stripe_page.resolve_all()
        ok = {**RESULTS, "stripe": ProbeResult(level=Level.OK, latency_ms=9)}
        check_and_alert(store, s, T0 + 5 * MIN, results=ok)
    subjects = [e["subject"] for e in fake_resend.emails]
    assert len(subjects) == 2 and subjects[1].startswith("[CRITICAL] CarBot Resolved")
    assert "Stripe reports" not in fake_resend.emails[1]["text"]


def test_no_incident_no_note(
    migrated_db: str,
    tmp_path: Path,
    fake_resend: FakeResend,
    fake_webhook: FakeWebhook,
    stripe_page: FakeStatusPage,
) -> None:
    s = settings(migrated_db, tmp_path, fake_resend, fake_webhook, stripe_page)
    with open_store(migrated_db) as store:
        stripe_trouble(store)
        check_and_alert(store, s, T0, results=RESULTS)
    # Two separate notifications per channel, neither naming a provider.
    assert len(fake_resend.emails) == 2 and len(fake_webhook.payloads) == 2
    assert not any("reports" in e["text"] for e in fake_resend.emails)
