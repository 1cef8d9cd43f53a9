"""Incident response in the reports: time to acknowledge and to resolve per episode and per
severity against the guide's targets, from episodes written as the engine writes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lib.reports.history import alert_episodes
from lib.reports.response import response_section
from lib.store import AlertEvent, Store
from tests.alerting import open_store

MIN = timedelta(minutes=1)
MONDAY = datetime(2026, 10, 19, 0, 0, tzinfo=UTC)
WEEK_END = MONDAY + timedelta(days=7)


def episode(
    store: Store,
    rule: str,
    severity: str,
    start: datetime,
    acked: tuple[datetime, str] | None,
    end: datetime | None,
    level: int = 1,
) -> None:
    """Firing at `start`, optionally acknowledged (at, by), escalated to `level`, resolved."""
    rows = store.alerts()
    version = rows[rule].version if rule in rows else 0
    patch = {"state": "firing", "since": start, "severity": severity, "last_notified_at": start}
    fired = AlertEvent(kind="firing", at=start, episode_start=start, level=1, threshold=1)
    row = store.alert_transition(rule, version, {**patch, "level": 1}, fired)
    assert row is not None
    if level > 1:
        up = AlertEvent(kind="escalated", at=start + 15 * MIN, episode_start=start, level=level)
        row = store.alert_transition(rule, row.version, {"level": level}, up)
        assert row is not None
    if acked is not None:
        at, by = acked
        ack = AlertEvent(kind="acknowledged", at=at, episode_start=start, actor=by)
        row = store.alert_transition(rule, row.version, {"acknowledged_at": at}, ack)
        assert row is not None
    if end is not None:
        done = AlertEvent(kind="resolved", at=end, episode_start=start)
        row = store.alert_transition(rule, row.version, {"state": "ok", "since": end}, done)
        assert row is not None


def test_weekly_response_against_hand_computed_figures(migrated_db: str) -> None:
    mon10 = MONDAY + timedelta(hours=10)
    tue03 = MONDAY + timedelta(days=1, hours=3)
    wed09 = MONDAY + timedelta(days=2, hours=9)
    thu12 = MONDAY + timedelta(days=3, hours=12)
    with open_store(migrated_db) as store:
        # critical, acknowledged after 12 min by Lena, resolved after 40 min: within 15 min
        episode(
            store,
            "payment_failure_rate",
            "critical",
            mon10,
            (mon10 + 12 * MIN, "Lena"),
            mon10 + 40 * MIN,
        )
        # critical, acknowledged after 30 min (late), at level 2, resolved after 60 min
        episode(
            store,
            "service_unresponsive:database",
            "critical",
            tue03,
            (tue03 + 30 * MIN, "Max"),
            tue03 + 60 * MIN,
            level=2,
        )
        # warning, acknowledged after 11 h, resolved after 25 h: within 24 h
        episode(
            store,
            "email_bounce_rate",
            "warning",
            wed09,
            (wed09 + 11 * 60 * MIN, "Lena"),
            wed09 + 25 * 60 * MIN,
        )
        # critical, over after 5 min unacknowledged: within target (nothing left to acknowledge)
        episode(store, "service_unresponsive:stripe", "critical", thu12, None, thu12 + 5 * MIN)
        episodes = alert_episodes(store, MONDAY, WEEK_END)
    section = response_section(episodes, WEEK_END)
    by_rule = {e.rule: e for e in episodes}
    assert by_rule["payment_failure_rate"].time_to_acknowledge_s == 12 * 60
    assert by_rule["service_unresponsive:database"].level == 2
    assert by_rule["service_unresponsive:stripe"].time_to_acknowledge_s is None
    # Critical: acknowledged 12 and 30 min -> median 21 min; resolved 40, 60, 5 -> median 40.
    assert section.lines == [
        "Critical: 3 episodes, 2 acknowledged; median time to acknowledge 21 min, "
        "to resolve 40 min; 2 of 3 handled within the target (15 min).",
        "Warning: 1 episodes, 1 acknowledged; median time to acknowledge 11 h 0 min, "
        "to resolve 25 h 0 min; 1 of 1 handled within the target (24 h 0 min).",
    ]
    shares = {f.key: f.value for f in section.figures}
    assert shares == {
        "response_within_target_pct:critical": round(200 / 3, 1),
        "response_within_target_pct:warning": 100.0,
    }
    assert section.table is not None
    assert [r[:7] for r in section.table.rows] == [
        ["payment_failure_rate", "critical", "Lena", "12 min", "40 min", "1", "yes"],
        ["service_unresponsive:database", "critical", "Max", "30 min", "1 h 0 min", "2", "no"],
        ["email_bounce_rate", "warning", "Lena", "11 h 0 min", "25 h 0 min", "1", "yes"],
        ["service_unresponsive:stripe", "critical", "-", "-", "5 min", "1", "yes"],
    ]
