"""anomaly:<metric> and activity_missing:<metric> over seeded history in real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest

from lib.alerts.evaluate import evaluate_alerts
from lib.alerts.rules.anomalies import ActivityMissing, Anomaly
from lib.alerts.rules.base import Observation, RuleContext
from lib.core.monitor_config import parse_monitor_config
from lib.store import Store
from tests.alerting import only_rules, open_store, seed_metrics, settings_for

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db

BERLIN = ZoneInfo("Europe/Berlin")
NORMAL = [20, 22, 19, 21, 20, 23, 18, 21]  # leads on the 8 Tuesdays before
TUESDAY = date(2026, 11, 24)


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "monitoring.toml"
    path.write_text(text)
    parse_monitor_config(text)  # the file is valid
    return path


def seed_history(store: Store, day: date, values: list[float], metric: str = "leads") -> None:
    for weeks, value in enumerate(values, start=1):
        seed_metrics(store, day - timedelta(weeks=weeks), **{metric: value})


def judge(store: Store, url: str, config: Path, day: date) -> dict[str, Observation]:
    """The anomaly rule as the daily cron runs it on the morning after `day`."""
    now = datetime.combine(day + timedelta(days=1), datetime.min.time(), BERLIN) + timedelta(
        hours=1
    )
    ctx = RuleContext(store, settings_for(url, config), now)
    rule = Anomaly(threshold=3.0, severity="warning")
    return {o.key: o for o in rule.observe(ctx)}


@pytest.fixture
def anomaly_config(tmp_path: Path) -> Path:
    return config_file(tmp_path, '[anomalies]\nmetrics = ["leads"]\n')


def test_normal_week_is_ok_and_a_drop_fires(migrated_db: str, anomaly_config: Path) -> None:
    with open_store(migrated_db) as store:
        seed_history(store, TUESDAY, NORMAL)
        seed_metrics(store, TUESDAY, leads=21)
        normal = judge(store, migrated_db, anomaly_config, TUESDAY)["anomaly:leads"]
        assert normal.state == "ok" and "usual 20.5" in normal.message
        seed_metrics(store, TUESDAY, leads=4)
        drop = judge(store, migrated_db, anomaly_config, TUESDAY)["anomaly:leads"]
        assert (drop.state, drop.value, drop.severity) == ("firing", -16.5, "warning")
        assert "8 earlier Tuesdays" in drop.message
        # A metric with no data at all (no drains: no `requests`) is not configured.
        requests_config = anomaly_config.parent / "requests.toml"
        requests_config.write_text('[anomalies]\nmetrics = ["requests", "leads"]\n')
        both = judge(store, migrated_db, requests_config, TUESDAY)
        assert both["anomaly:requests"].state == "not_configured"
        assert both["anomaly:leads"].state == "firing"


def test_small_absolute_difference_does_not_fire(migrated_db: str, tmp_path: Path) -> None:
    config = config_file(tmp_path, '[anomalies]\nmetrics = ["leads"]\ndefault_minimum = 5\n')
    with open_store(migrated_db) as store:
        seed_history(store, TUESDAY, [2, 2, 2, 2, 2, 2, 2, 2])  # MAD 0: the band is the median
        seed_metrics(store, TUESDAY, leads=0)
        assert judge(store, migrated_db, config, TUESDAY)["anomaly:leads"].state == "ok"
        seed_metrics(store, TUESDAY, leads=9)
        assert judge(store, migrated_db, config, TUESDAY)["anomaly:leads"].state == "firing"


def test_too_little_history_is_unknown(migrated_db: str, anomaly_config: Path) -> None:
    with open_store(migrated_db) as store:
        seed_history(store, TUESDAY, [20, 22, 19])
        seed_metrics(store, TUESDAY, leads=0)
        seen = judge(store, migrated_db, anomaly_config, TUESDAY)["anomaly:leads"]
        assert seen.state == "unknown" and "only 3 comparable days (need 4)" in seen.message


def test_holidays_are_skipped_in_the_configured_state(migrated_db: str, tmp_path: Path) -> None:
    day = date(2026, 2, 24)  # a Tuesday; seven weeks before: 6 January, a holiday in Bavaria
    history = [20, 21, 19, 22, 20, 21, 0, 20]
    bavaria = config_file(tmp_path, '[anomalies]\nmetrics = ["leads"]\nholiday_state = "BY"\n')
    with open_store(migrated_db) as store:
        seed_history(store, day, history)
        seed_metrics(store, day, leads=20)
        seen = judge(store, migrated_db, bavaria, day)["anomaly:leads"]
        assert seen.state == "ok" and "7 earlier Tuesdays" in seen.message
        berlin = tmp_path / "berlin"
        berlin.mkdir()
        in_berlin = config_file(berlin, '[anomalies]\nmetrics = ["leads"]\nholiday_state = "BE"\n')
        assert (
            "8 earlier Tuesdays"
            in judge(store, migrated_db, in_berlin, day)["anomaly:leads"].message
        )
        # A holiday itself is not judged against ordinary weekdays.
        christmas = date(2026, 12, 25)
        seed_history(store, christmas, NORMAL)
        seed_metrics(store, christmas, leads=0)
        held = judge(store, migrated_db, bavaria, christmas)["anomaly:leads"]
        assert held.state == "unknown" and "holiday" in held.message


def test_anomaly_fires_and_resolves_once_through_the_state_machine(
    migrated_db: str, tmp_path: Path
) -> None:
    config = only_rules(tmp_path, "anomaly", extra='[anomalies]\nmetrics = ["leads"]\n')
    settings = settings_for(migrated_db, config)
    with open_store(migrated_db) as store:
        wednesday = TUESDAY + timedelta(days=1)
        seed_history(store, TUESDAY, NORMAL)
        seed_history(store, wednesday, NORMAL)
        seed_metrics(store, TUESDAY, leads=3)
        seed_metrics(store, wednesday, leads=20)
        at = datetime(2026, 11, 25, 0, 30, tzinfo=BERLIN)
        first = evaluate_alerts(store, settings, at, daily_only=True).model_dump()["alerts"]
        assert first["anomaly:leads"]["event"] == "firing"
        again = evaluate_alerts(store, settings, at + timedelta(minutes=5), daily_only=True)
        assert again.model_dump()["alerts"]["anomaly:leads"]["event"] is None
        later = evaluate_alerts(store, settings, at + timedelta(days=1), daily_only=True)
        assert later.model_dump()["alerts"]["anomaly:leads"]["event"] == "resolved"


def add_leads(url: str, *moments: datetime) -> None:
    with psycopg.connect(url) as conn:
        conn.execute("create table if not exists leads (id serial, created_at timestamptz)")
        for moment in moments:
            conn.execute("insert into leads (created_at) values (%s)", (moment,))


def test_activity_missing_in_business_hours_fires_and_resolves(
    migrated_db: str, tmp_path: Path
) -> None:
    extra = '[anomalies]\nactivity_metrics = ["leads"]\n'
    config = only_rules(tmp_path, "activity_missing", extra=extra)
    settings = settings_for(migrated_db, config)
    now = datetime(2026, 11, 24, 11, 0, tzinfo=BERLIN)  # Tuesday, business hours
    past = [now - timedelta(weeks=k, minutes=90) for k in range(1, 5)]
    add_leads(migrated_db, *past[:3])
    rule = ActivityMissing(threshold=3.0, severity="warning")
    with open_store(migrated_db) as store:
        # Only three of the four earlier Tuesdays had leads at this hour: quiet may be normal.
        ctx = RuleContext(store, settings, now)
        assert rule.observe(ctx)[0].state == "ok"
        add_leads(migrated_db, past[3])
        fired = evaluate_alerts(store, settings, now).model_dump()["alerts"]
        assert fired["activity_missing:leads"]["event"] == "firing"
        add_leads(migrated_db, now + timedelta(minutes=1))
        after = evaluate_alerts(store, settings, now + timedelta(minutes=5)).model_dump()["alerts"]
        assert after["activity_missing:leads"]["event"] == "resolved"
        # Sunday, and evenings, are outside the default business hours.
        sunday = RuleContext(store, settings, datetime(2026, 11, 29, 11, 0, tzinfo=BERLIN))
        assert rule.observe(sunday)[0].message == "outside business hours"
        evening = RuleContext(store, settings, now.replace(hour=19).astimezone(UTC))
        assert rule.observe(evening)[0].message == "outside business hours"
