"""One health-check run asks the store once (lib/store/run.py): one read, one write, the
compare-and-sets of what changed; the rules see this run's own results without reading them back."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from lib.jobs.health_check import check_and_alert
from lib.probes import Level, ProbeResult
from lib.store import JsonValue, Store
from lib.store.postgres import PostgresTransport
from tests.alerting import T0, only_rules, settings_for

MIN = timedelta(minutes=1)


class CountingTransport(PostgresTransport):
    """The direct transport, counting the functions called."""

    def __init__(self, url: str) -> None:
        super().__init__(url, timeout=5)
        self.calls: Counter[str] = Counter()

    def call(self, function: str, params: Mapping[str, JsonValue]) -> JsonValue:
        self.calls[function] += 1
        return super().call(function, params)


def run(store: Store, settings: Any, minutes: int, level: Level) -> dict[str, Any]:
    reason = "connection refused" if level == Level.DOWN else None
    results = {"database": ProbeResult(level=level, latency_ms=15, reason=reason)}
    return check_and_alert(store, settings, T0 + minutes * MIN, results=results)


def test_a_quiet_run_is_one_read_and_one_write(migrated_db: str) -> None:
    settings = settings_for(migrated_db)
    transport = CountingTransport(migrated_db)
    with Store(transport) as store:
        for minutes in (0, 5):  # the first run creates the alert rows
            run(store, settings, minutes, Level.OK)
        transport.calls.clear()
        summary = run(store, settings, 10, Level.OK)
    assert summary["recorded"] == 1
    quiet = transport.calls - Counter(monitoring_alert_transition=99)
    assert quiet == Counter(
        monitoring_health_check_read=1,
        monitoring_health_check_write=1,
        monitoring_database_stats=1,  # pg_stat_statements: the slow query rule's own question
        monitoring_count_rows=2,  # leads and conversations in business hours (activity_missing)
    )
    # The endpoint adds the cron bookkeeping (schema check, start, finish): at most 8 in all.
    assert sum(transport.calls.values()) + 3 <= 8


def test_the_rules_see_this_runs_failure_without_reading_it_back(
    migrated_db: str, tmp_path: Path
) -> None:
    settings = settings_for(migrated_db, only_rules(tmp_path, "service_unresponsive"))
    key = "service_unresponsive:database"
    transport = CountingTransport(migrated_db)
    with Store(transport) as store:
        run(store, settings, 0, Level.OK)
        first = run(store, settings, 5, Level.DOWN)  # the streak starts with this run's row
        assert first["alerts"][key]["observed"] == "settling"
        assert first["alerts"][key]["value"] == 0.0
        later = run(store, settings, 11, Level.DOWN)  # down since minute 5: 6 min > 5
        assert later["alerts"][key]["observed"] == "firing"
        assert later["alerts"][key]["value"] == 6.0
        back = run(store, settings, 16, Level.OK)
        assert back["alerts"][key]["observed"] in ("ok", "settling")
        assert store.alerts()[key].state == "ok"
    assert not {"monitoring_checks_since", "monitoring_down_since", "monitoring_record_checks",
                "monitoring_provider_statuses"} & set(transport.calls)  # fmt: skip
