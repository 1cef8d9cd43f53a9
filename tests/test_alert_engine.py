"""The alert state machine over real PostgreSQL with local Resend and webhook fakes."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lib.alerts.evaluate import evaluate_alerts, evaluate_daily_rules
from lib.core.config import Settings
from lib.jobs.health_check import check_and_alert
from lib.probes import Level, ProbeResult
from lib.store import Store
from tests.alerting import (
    EMAIL_FROM,
    EMAIL_TO,
    T0,
    notify_settings,
    only_rules,
    open_store,
    seed_checks,
    seed_cron_success,
)
from tests.fakes.vendors import FakeResend
from tests.fakes.webhook import FakeWebhook

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db

MIN = timedelta(minutes=1)


@pytest.fixture
def env(
    migrated_db: str, tmp_path: Path, fake_resend: FakeResend, fake_webhook: FakeWebhook
) -> Any:
    """Settings factory: only the named rules enabled, notifiers pointing at the fakes."""

    def make(*rules: str, extra: str = "", **overrides: object) -> Settings:
        config = only_rules(tmp_path, *rules, extra=extra)
        return notify_settings(
            migrated_db, fake_resend.url, fake_webhook.hook_url, config, **overrides
        )

    return make


def probe(level: Level) -> dict[str, ProbeResult]:
    reason = "connection refused" if level == Level.DOWN else None
    return {"database": ProbeResult(level=level, latency_ms=15, reason=reason)}


def subjects(fake: FakeResend) -> list[str]:
    return [email["subject"] for email in fake.emails]


def run(store: Store, settings: Settings, at: datetime, level: Level) -> dict[str, Any]:
    """One health check run at `at` whose database probe saw `level`."""
    return check_and_alert(store, settings, at, results=probe(level))


def test_fire_once_remind_after_6h_resolve_once(
    migrated_db: str, env: Any, fake_resend: FakeResend, fake_webhook: FakeWebhook
) -> None:
    settings = env("service_unresponsive")
    with open_store(migrated_db) as store:
        run(store, settings, T0, Level.DOWN)
        assert fake_resend.emails == []  # a down streak of 0 s is not an alert yet
        summary = run(store, settings, T0 + 5 * MIN, Level.DOWN)
        alert = summary["alerts"]["service_unresponsive:database"]
        assert (alert["state"], alert["event"]) == ("firing", "firing")
        assert summary["notifications"]["sent"] == 2  # e-mail and webhook
        for minutes in (10, 15, 60, 120, 240, 360, 364):  # still down, not yet 6 h after
            run(store, settings, T0 + minutes * MIN, Level.DOWN)
            assert len(fake_resend.emails) == 1, f"no reminder before 6 h ({minutes} min)"
        run(store, settings, T0 + (6 * 60 + 5) * MIN, Level.DOWN)
        assert len(fake_resend.emails) == 2
        run(store, settings, T0 + (6 * 60 + 10) * MIN, Level.OK)
        run(store, settings, T0 + (6 * 60 + 15) * MIN, Level.OK)
        run(store, settings, T0 + (6 * 60 + 20) * MIN, Level.OK)
    assert subjects(fake_resend) == [
        "[CRITICAL] CarBot Firing: Critical service unresponsive (database)",
        "[CRITICAL] CarBot Still firing for 6 h: Critical service unresponsive (database)",
        "[CRITICAL] CarBot Resolved after 6 h 5 min: Critical service unresponsive (database)",
    ]
    assert [p["event"] for p in fake_webhook.payloads] == ["firing", "reminder", "resolved"]
    first = fake_resend.emails[0]
    assert first["to"] == [EMAIL_TO] and first["from"] == EMAIL_FROM
    assert "database down for 5.0 min" in first["text"] and "<table>" in first["html"]
    assert fake_webhook.payloads[0]["text"].startswith(":rotating_light: [CRITICAL]")
    assert fake_webhook.payloads[2]["duration_s"] == (6 * 60 + 5) * 60
    # firing, reminder and resolved all name the start of the episode
    assert {datetime.fromisoformat(p["since"]) for p in fake_webhook.payloads} == {T0 + 5 * MIN}


def test_two_minute_rule_with_checks_every_30_seconds(
    migrated_db: str, env: Any, fake_resend: FakeResend
) -> None:
    settings = env("service_unresponsive")
    step = timedelta(seconds=30)
    events = []
    with open_store(migrated_db) as store:
        for i in range(12):  # down for 5.5 minutes
            summary = run(store, settings, T0 + i * step, Level.DOWN)
            events.append(summary["alerts"]["service_unresponsive:database"]["event"])
        # 0, 30, 60, 90, 120 s: not more than 2 minutes yet; 150 s: fires.
        assert events == [None] * 5 + ["firing"] + [None] * 6
        events = []
        for i in range(12, 20):  # recovered: resolves once a whole 2-minute window is clean
            summary = run(store, settings, T0 + i * step, Level.OK)
            events.append(summary["alerts"]["service_unresponsive:database"]["event"])
        assert events == [None] * 4 + ["resolved"] + [None] * 3
    assert len(fake_resend.emails) == 2


def test_two_minute_rule_with_checks_every_5_minutes(
    migrated_db: str, env: Any, fake_resend: FakeResend
) -> None:
    settings = env("service_unresponsive")
    step = timedelta(minutes=5)
    with open_store(migrated_db) as store:
        levels = [Level.DOWN, Level.DOWN, Level.DOWN, Level.OK, Level.OK]
        events = [
            run(store, settings, T0 + i * step, level)["alerts"]["service_unresponsive:database"][
                "event"
            ]
            for i, level in enumerate(levels)
        ]
    # One failed check is not 2 minutes; the second, 5 minutes later, is.
    assert events == [None, "firing", None, "resolved", None]
    assert len(fake_resend.emails) == 2


@pytest.mark.parametrize("step_s", [30, 300])
def test_flapping_does_not_notify_on_every_flip(
    migrated_db: str, env: Any, fake_resend: FakeResend, step_s: int
) -> None:
    settings = env("service_unresponsive")
    with open_store(migrated_db) as store:
        for i in range(24):  # fail / ok / fail / ok ...
            run(store, settings, T0 + i * timedelta(seconds=step_s), [Level.DOWN, Level.OK][i % 2])
    assert fake_resend.emails == []


def test_flapping_after_an_outage_resolves_once(
    migrated_db: str, env: Any, fake_resend: FakeResend
) -> None:
    settings = env("service_unresponsive")
    step = timedelta(seconds=30)
    with open_store(migrated_db) as store:
        for i in range(8):
            run(store, settings, T0 + i * step, Level.DOWN)
        for i in range(8, 30):  # flapping: never a clean 2-minute window, never 2 min down
            run(store, settings, T0 + i * step, [Level.OK, Level.DOWN][i % 2])
        for i in range(30, 36):
            run(store, settings, T0 + i * step, Level.OK)
    assert [s.split(" CarBot ")[1].split(":")[0] for s in subjects(fake_resend)] == [
        "Firing",
        "Resolved after 14 min",
    ]


def test_two_concurrent_runs_send_exactly_one_email(
    migrated_db: str, env: Any, fake_resend: FakeResend, fake_webhook: FakeWebhook
) -> None:
    """Both runs read the alert rows before either writes: compare-and-set picks one winner."""
    settings = env("service_unresponsive")
    with open_store(migrated_db) as store:
        seed_checks(store, "database", [(T0 - 10 * MIN, "down")])
    both_read = threading.Barrier(2, timeout=10)
    results: list[dict[str, Any]] = []

    class RacingStore(Store):
        first_read = True

        def alerts(self) -> Any:
            rows = super().alerts()
            if self.first_read:
                self.first_read = False
                both_read.wait()
            return rows

    def worker() -> None:
        with open_store(migrated_db) as plain:
            racing = RacingStore(plain.transport)
            results.append(evaluate_alerts(racing, settings, T0).model_dump())

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    reports = [r["alerts"]["service_unresponsive:database"] for r in results]
    assert sorted(r["lost_race"] for r in reports) == [False, True]
    assert len(fake_resend.emails) == 1 and len(fake_webhook.payloads) == 1


def test_failed_notifier_is_retried_next_run(
    migrated_db: str, env: Any, fake_resend: FakeResend, fake_webhook: FakeWebhook
) -> None:
    settings = env("service_unresponsive")
    with open_store(migrated_db) as store:
        run(store, settings, T0, Level.DOWN)
        fake_webhook.mode = "500"
        summary = run(store, settings, T0 + 5 * MIN, Level.DOWN)
        assert summary["notifications"]["sent"] == 1 and summary["notifications"]["failed"] == 1
        assert summary["notifications"]["errors"] == [
            "service_unresponsive:database webhook: webhook answered 500"
        ]
        assert summary["notifications"]["queued"] == 1
        row = store.alerts()["service_unresponsive:database"]
        assert row.pending and row.pending["last_error"] == "webhook answered 500"
        fake_webhook.mode = "ok"
        summary = run(store, settings, T0 + 10 * MIN, Level.DOWN)
        assert summary["notifications"] == {"sent": 1, "failed": 0, "queued": 0, "errors": []}
        run(store, settings, T0 + 15 * MIN, Level.DOWN)
    assert len(fake_resend.emails) == 1, "the e-mail that went through is not sent again"
    assert [p["event"] for p in fake_webhook.payloads] == ["firing"]
    # The webhook got the original event (its time), not a new one.
    assert fake_webhook.payloads[0]["at"] == (T0 + 5 * MIN).isoformat()


def test_resend_500_is_retried_and_never_breaks_the_run(
    migrated_db: str, env: Any, fake_resend: FakeResend, fake_webhook: FakeWebhook
) -> None:
    settings = env("service_unresponsive")
    with open_store(migrated_db) as store:
        run(store, settings, T0, Level.DOWN)
        fake_resend.mode = "500"
        summary = run(store, settings, T0 + 5 * MIN, Level.DOWN)
        assert summary["notifications"]["errors"] == [
            "service_unresponsive:database email: resend answered 500 (internal_server_error)"
        ]
        assert summary["recorded"] == 1 and summary["alerts"]
        fake_resend.mode = "ok"
        run(store, settings, T0 + 10 * MIN, Level.DOWN)
    assert len(fake_resend.emails) == 1 and len(fake_webhook.payloads) == 1


def test_maintenance_mutes_but_keeps_recording(
    migrated_db: str, env: Any, fake_resend: FakeResend
) -> None:
    window = (
        "[[maintenance]]\nreason = 'Supabase upgrade'\n"
        f"start = {T0.isoformat()}\nend = {(T0 + 30 * MIN).isoformat()}\n"
    )
    settings = env("service_unresponsive", extra=window)
    with open_store(migrated_db) as store:
        run(store, settings, T0, Level.DOWN)
        summary = run(store, settings, T0 + 5 * MIN, Level.DOWN)
        alert = summary["alerts"]["service_unresponsive:database"]
        assert summary["maintenance"]["active"] and summary["maintenance"]["reason"] == (
            "Supabase upgrade"
        )
        assert summary["maintenance"]["ends_at"] == (T0 + 30 * MIN).isoformat().replace(
            "+00:00", "Z"
        )
        assert (alert["state"], alert["event"], alert["muted"]) == ("firing", None, True)
        run(store, settings, T0 + 25 * MIN, Level.DOWN)
        assert fake_resend.emails == [] and summary["recorded"] == 1
        assert len(store.checks_since("database", T0)) == 3
        # Still down after the window: announced now, once.
        summary = run(store, settings, T0 + 30 * MIN, Level.DOWN)
        assert summary["alerts"]["service_unresponsive:database"]["event"] == "firing"
        run(store, settings, T0 + 35 * MIN, Level.DOWN)
    assert len(fake_resend.emails) == 1


def test_outage_inside_maintenance_is_never_announced(
    migrated_db: str, env: Any, fake_resend: FakeResend
) -> None:
    window = "[[maintenance]]\nweekly = { day = 'friday', start = 12:00:00, end = 14:00:00 }\n"
    settings = env("service_unresponsive", extra=window)  # 11:00-13:00 UTC on T0's Friday
    with open_store(migrated_db) as store:
        for i, level in enumerate([Level.DOWN, Level.DOWN, Level.DOWN, Level.OK, Level.OK]):
            run(store, settings, T0 + i * 5 * MIN, level)
        run(store, settings, T0 + 2 * timedelta(hours=1), Level.OK)
    assert fake_resend.emails == []


def test_stopped_daily_cron_is_late_after_26_hours(
    migrated_db: str, env: Any, fake_resend: FakeResend
) -> None:
    settings = env("cron_late")
    with open_store(migrated_db) as store:
        seed_cron_success(migrated_db, "daily_metrics", T0)
        for hours in (1, 12, 25, 26):
            report = evaluate_alerts(store, settings, T0 + timedelta(hours=hours))
            assert report.alerts["cron_late:daily_metrics"].state == "ok"
        report = evaluate_alerts(store, settings, T0 + timedelta(hours=26, minutes=5))
        late = report.alerts["cron_late:daily_metrics"]
        assert (late.state, late.event) == ("firing", "firing")
        assert late.message == "daily_metrics: last success 26.1 h ago (limit 26 h)"
        seed_cron_success(migrated_db, "daily_metrics", T0 + timedelta(hours=27))
        report = evaluate_alerts(store, settings, T0 + timedelta(hours=27, minutes=5))
        assert report.alerts["cron_late:daily_metrics"].event == "resolved"
    assert subjects(fake_resend) == [
        "[WARNING] CarBot Firing: Cron job late (daily_metrics)",
        "[WARNING] CarBot Resolved after 1 h: Cron job late (daily_metrics)",
    ]


def test_daily_rules_entry_point_for_the_metrics_cron(
    migrated_db: str, env: Any, fake_resend: FakeResend
) -> None:
    settings = env("payment_failure_rate", "service_unresponsive", "cron_late")
    with open_store(migrated_db) as store:
        seed_checks(store, "database", [(T0 - 10 * MIN, "down"), (T0, "down")])
        store.upsert_daily_metrics(
            [
                {"day": "2026-11-19", "metric": "payments_failed", "value": 8, "unit": "count"},
                {"day": "2026-11-19", "metric": "payments_succeeded", "value": 92, "unit": "count"},
            ]
        )
        seed_cron_success(migrated_db, "daily_metrics", T0 - timedelta(days=3))
        summary = evaluate_daily_rules(store, settings, T0)
    # Only daily rules; the metrics cron does not judge its own lateness.
    assert set(summary["alerts"]) == {
        "payment_failure_rate",
        "cron_late:daily_metrics",
        "cron_late:health_check",
    }
    assert summary["alerts"]["cron_late:daily_metrics"]["observed"] == "settling"
    assert summary["alerts"]["payment_failure_rate"]["event"] == "firing"
    assert subjects(fake_resend) == ["[CRITICAL] CarBot Firing: Payment failure rate"]
    assert "8.0 % of payments failed on 2026-11-19" in fake_resend.emails[0]["text"]


def test_disabling_a_firing_rule_clears_it(migrated_db: str, env: Any) -> None:
    with open_store(migrated_db) as store:
        seed_checks(store, "database", [(T0 - 10 * MIN, "down")])
        evaluate_alerts(store, env("service_unresponsive"), T0)
        assert store.alerts()["service_unresponsive:database"].state == "firing"
        evaluate_alerts(store, env(), T0 + MIN)
        row = store.alerts()["service_unresponsive:database"]
        assert (row.state, row.message, row.pending) == ("ok", "rule disabled", None)


def test_state_machine_over_the_supabase_transport(
    postgrest: Any, tmp_path: Path, fake_resend: FakeResend, fake_webhook: FakeWebhook
) -> None:
    """The same runs through supabase-py RPC (PostgREST) as through a direct connection."""
    from lib.store.supabase import SupabaseTransport
    from tests.conftest import SERVICE_KEY

    settings = notify_settings(
        None,  # type: ignore[arg-type] - no DATABASE_URL: the store is Supabase
        fake_resend.url,
        fake_webhook.hook_url,
        only_rules(tmp_path, "service_unresponsive"),
        supabase_url=postgrest.url,
        supabase_service_role_key=SERVICE_KEY,
    )
    store = Store(SupabaseTransport(settings, timeout=5))
    fake_webhook.mode = "500"
    events = []
    for i, level in enumerate([Level.DOWN, Level.DOWN, Level.DOWN, Level.OK]):
        if i == 2:
            fake_webhook.mode = "ok"
        summary = run(store, settings, T0 + i * 5 * MIN, level)
        events.append(summary["alerts"]["service_unresponsive:database"]["event"])
    assert events == [None, "firing", None, "resolved"]
    assert [p["event"] for p in fake_webhook.payloads] == ["firing", "resolved"]
    assert len(fake_resend.emails) == 2


def test_a_key_no_longer_watched_is_cleared_silently(
    migrated_db: str, env: Any, fake_resend: FakeResend
) -> None:
    with open_store(migrated_db) as store:
        seed_checks(store, "database", [(T0 - 10 * MIN, "down")])
        evaluate_alerts(store, env("service_unresponsive"), T0)
        assert store.alerts()["service_unresponsive:database"].state == "firing"
        # database is no longer a critical service; the daily-only run does not touch the row.
        settings = env("service_unresponsive", critical_services="openai")
        evaluate_daily_rules(store, settings, T0 + MIN)
        assert store.alerts()["service_unresponsive:database"].state == "firing"
        evaluate_alerts(store, settings, T0 + MIN)
        row = store.alerts()["service_unresponsive:database"]
        assert (row.state, row.message) == ("ok", "no longer watched")
    assert len(fake_resend.emails) == 1, "only the firing e-mail"


def test_health_check_loads_and_builds_the_rules_once(
    migrated_db: str, env: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """check_and_alert builds the rules before probing and evaluates those same rules."""
    import lib.jobs.health_check as health_check

    calls: list[str] = []
    for name in ("load_rules",):
        real = getattr(health_check, name)

        def counted(*args: Any, _real: Any = real, _name: str = name) -> Any:
            calls.append(_name)
            return _real(*args)

        monkeypatch.setattr(health_check, name, counted)
    with open_store(migrated_db) as store:
        summary = run(store, env("service_unresponsive"), T0, Level.DOWN)
    assert calls == ["load_rules"]
    assert set(summary["alerts"]) == {"service_unresponsive:database"}


def test_history_older_than_90_days_is_pruned(migrated_db: str, env: Any) -> None:
    settings = env()
    with open_store(migrated_db) as store:
        seed_checks(
            store,
            "database",
            [(T0 - timedelta(days=90, minutes=1), "ok"), (T0 - timedelta(days=89), "ok")],
        )
        summary = run(store, settings, T0, Level.OK)
        assert (summary["recorded"], summary["pruned"]) == (1, 1)
        assert len(store.checks_since("database", T0 - timedelta(days=365))) == 2


def test_daily_cron_reports_a_stopped_health_check(
    migrated_db: str, env: Any, fake_resend: FakeResend
) -> None:
    """The 5-minute health check cannot report its own silence; the daily cron does."""
    settings = env("cron_late")
    with open_store(migrated_db) as store:
        seed_cron_success(migrated_db, "health_check", T0 - timedelta(hours=2))
        summary = evaluate_daily_rules(store, settings, T0)
    late = summary["alerts"]["cron_late:health_check"]
    assert (late["state"], late["event"]) == ("firing", "firing")
    assert late["message"] == "health_check: last success 2.0 h ago (limit 1 h)"
    assert "Threshold: 1 h" in fake_resend.emails[0]["text"]
    assert subjects(fake_resend) == ["[WARNING] CarBot Firing: Cron job late (health_check)"]
