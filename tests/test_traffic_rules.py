"""The traffic rules fire once and resolve once through the alert engine, on real drain buckets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lib.alerts.evaluate import evaluate_alerts
from lib.alerts.rules import RuleContext
from lib.alerts.rules.traffic import ErrorRate
from lib.core.monitor_config import MonitorConfig
from lib.drains.receiver import receive
from lib.drains.retention import prune_minute_buckets
from lib.notify import Notification
from tests.alerting import YESTERDAY, only_rules, open_store, seed_metrics, settings_for
from tests.fakes.drains import body_of, crash_log, function_log, request_log, span, traces

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db

NOW = datetime.now(UTC).replace(second=0, microsecond=0)


class Recorder:
    """A notifier that keeps what it was given."""

    name = "webhook"

    def __init__(self) -> None:
        self.sent: list[Notification] = []

    def send(self, notification: Notification) -> None:
        self.sent.append(notification)


def deliver(url: str, records: object) -> None:
    with open_store(url) as store:
        receive(settings_for(url), MonitorConfig(), store, body_of(records)[0], None)


def run(url: str, config: Path, at: datetime, recorder: Recorder) -> dict[str, str]:
    settings = settings_for(url, config)
    with open_store(url) as store:
        report = evaluate_alerts(store, settings, at, notifiers=[recorder])
    return {key: alert.state for key, alert in report.alerts.items()}


def logs(n: int, at: datetime, status: int = 200, offset: int = 0) -> list[dict]:
    return [request_log(at, "/api/leads", status, n=offset + i) for i in range(n)]


@pytest.mark.parametrize(
    ("rule", "records", "message"),
    [
        ("error_rate", [*logs(150, NOW - timedelta(minutes=5)),
                        *logs(5, NOW - timedelta(minutes=4), 502, 1000)], "3.23 % of 155"),
        ("function_crashes", [*logs(3, NOW - timedelta(minutes=2)),
                              crash_log(NOW - timedelta(minutes=2))], "1 crashed"),
        ("response_time", [traces([span(NOW - timedelta(minutes=3), 900) for _ in range(60)])],
         "average 900 ms"),
    ],
)  # fmt: skip
def test_fires_once_and_resolves_once(
    rule: str, records: list, message: str, migrated_db: str, tmp_path: Path
) -> None:
    config = only_rules(tmp_path, rule)
    recorder = Recorder()
    for batch in records if rule == "response_time" else [records]:
        deliver(migrated_db, batch)
    assert run(migrated_db, config, NOW, recorder)[rule] == "firing"
    assert run(migrated_db, config, NOW + timedelta(minutes=1), recorder)[rule] == "firing"
    # Half an hour later the window is quiet: below the minimum volume is ok, so it resolves.
    assert run(migrated_db, config, NOW + timedelta(minutes=30), recorder)[rule] == "ok"
    assert [n.event for n in recorder.sent] == ["firing", "resolved"]
    assert message in recorder.sent[0].message


def test_a_quiet_night_pages_nobody_and_no_drain_is_not_configured(
    migrated_db: str, tmp_path: Path
) -> None:
    config = only_rules(tmp_path, "error_rate")
    recorder = Recorder()
    with open_store(migrated_db) as store:
        [seen] = ErrorRate(1.0, "critical").observe(
            RuleContext(store, settings_for(migrated_db), NOW)
        )
    assert (seen.state, seen.message) == ("not_configured", "no Vercel log drain data in 24 h")
    deliver(migrated_db, [*logs(5, NOW - timedelta(minutes=3)), *logs(5, NOW, 500, 100)])
    assert run(migrated_db, config, NOW + timedelta(minutes=1), recorder)["error_rate"] == "ok"
    assert recorder.sent == [], "50 % of 10 requests is below the minimum volume"


def test_traffic_spike_against_the_same_hour_of_four_weeks(
    migrated_db: str, tmp_path: Path
) -> None:
    config = only_rules(tmp_path, "traffic_spike")
    recorder = Recorder()
    for week in range(1, 5):  # the usual: 100 requests an hour, evenly, over 4 hours around now
        first = (NOW - timedelta(weeks=week, hours=1)).replace(minute=0)
        even = [request_log(first + timedelta(seconds=36 * i), "/api/leads", n=week * 1000 + i)
                for i in range(400)]  # fmt: skip
        deliver(migrated_db, even)
    with open_store(migrated_db) as store:  # weeks-old minute buckets are gone: hours answer
        assert prune_minute_buckets(store, MonitorConfig(), NOW) == 4 * 240
    deliver(migrated_db, logs(400, NOW - timedelta(minutes=30)))
    assert run(migrated_db, config, NOW, recorder)["traffic_spike"] == "firing"
    assert "4.0× the usual 100" in recorder.sent[0].message
    deliver(migrated_db, logs(100, NOW + timedelta(minutes=50), offset=5000))
    later = NOW + timedelta(minutes=80)  # the 400 have left the last hour: back to usual
    assert run(migrated_db, config, later, recorder)["traffic_spike"] == "ok"
    assert [n.event for n in recorder.sent] == ["firing", "resolved"], "fired once, resolved once"


def test_web_vitals_against_the_good_limits(migrated_db: str, tmp_path: Path) -> None:
    config = only_rules(tmp_path, "web_vitals")
    recorder = Recorder()
    with open_store(migrated_db) as store:
        seed_metrics(store, YESTERDAY, web_vitals_lcp_p75_ms=3200, web_vitals_inp_p75_ms=150,
                     web_vitals_cls_p75=0.05)  # fmt: skip
    at = datetime.combine(YESTERDAY + timedelta(days=1), datetime.min.time(), UTC)
    states = run(migrated_db, config, at + timedelta(hours=12), recorder)
    assert states == {"web_vitals:lcp": "firing", "web_vitals:inp": "ok", "web_vitals:cls": "ok"}
    assert [n.rule for n in recorder.sent] == ["web_vitals:lcp"]


def test_error_rate_counts_a_request_of_many_lines_once(migrated_db: str, tmp_path: Path) -> None:
    """149 calls answered 200 and one that crashed after logging two lines, all three carrying
    its proxy's 500: 1 failed of 150 (0.67 %), not 4 "errors" of 152 lines (2.63 %, firing)."""
    at = NOW - timedelta(minutes=5)
    calls = [function_log(at, f"q{i}") for i in range(149)]
    boom = [function_log(at, "boom", status=500, line=k) for k in (1, 2)]
    deliver(migrated_db, [*calls, *boom, function_log(at, "boom", status=500, crashed=True)])
    with open_store(migrated_db) as store:
        [seen] = ErrorRate(1.0, "critical").observe(
            RuleContext(store, settings_for(migrated_db), NOW)
        )
    assert seen.state == "ok" and seen.message.startswith("0.67 % of 150 requests"), seen.message
