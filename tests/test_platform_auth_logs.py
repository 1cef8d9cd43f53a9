"""Failed logins from Supabase's Auth logs (lib/platform/checks.py) against the fake Management
API held to the official OpenAPI document: 24-hour windows, a refused query is unknown."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from lib.alerts.rules import RuleContext
from lib.alerts.rules.security import FailedLogins
from lib.core.config import Settings
from lib.core.monitor_config import MonitorConfig
from lib.metrics import DayWindow, SourceContext, SourceError
from lib.platform.checks import FAILED_LOGINS_SQL
from lib.platform.management import ManagementClient, PlatformError
from lib.platform.metrics import AuthFailedLogins
from tests.alerting import open_store, settings_for
from tests.fakes.supabase_management import REF, TOKEN, FakeManagement

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


# Every test here: the fake reset, and afterwards every body it served checked against the spec.
pytestmark = pytest.mark.usefixtures("spec_checked_management")


def platform(url: str, fake: FakeManagement) -> Settings:
    return settings_for(
        url, supabase_access_token=TOKEN, supabase_project_ref=REF, supabase_api_url=fake.url
    )


def day_context(settings: Settings, day: DayWindow) -> SourceContext:
    return SourceContext(settings, None, MonitorConfig(), day, float("inf"), False)  # type: ignore[arg-type]


def test_a_25_hour_day_is_queried_in_windows_of_24_hours(fake_management: FakeManagement) -> None:
    day = DayWindow.of(date(2026, 10, 25), BERLIN)  # summer time ends: 25 hours
    assert day.hours == 25
    start = day.start.astimezone(UTC)
    fake_management.auth_failures = [
        ("203.0.113.7", 4, start + timedelta(minutes=5)),
        ("203.0.113.7", 3, start + timedelta(hours=23, minutes=59)),
        ("198.51.100.2", 6, start + timedelta(hours=24, minutes=30)),  # the 25th hour
        ("198.51.100.2", 100, start + timedelta(hours=25)),  # the next day: not counted
    ]
    ctx = day_context(platform("postgresql://x/y", fake_management), day)
    assert AuthFailedLogins().collect(ctx) == {"failed_logins": 13.0}
    sent = [r for r in fake_management.requests if r.path.endswith("/endpoints/logs")]
    spans = [
        datetime.fromisoformat(r.arg("iso_timestamp_end") or "")
        - datetime.fromisoformat(r.arg("iso_timestamp_start") or "")
        for r in sent
    ]
    assert spans == [timedelta(hours=24), timedelta(hours=1)]


def test_a_refused_log_query_is_unknown_never_zero(
    migrated_db: str, fake_management: FakeManagement
) -> None:
    settings = platform(migrated_db, fake_management)
    # The fake refuses what Supabase does not document (an unknown column), like ClickHouse.
    client = ManagementClient(settings)
    with pytest.raises(PlatformError, match="log query rejected"):
        client.logs(FAILED_LOGINS_SQL.replace("source =", "source_name ="), NOW, NOW)
    # A refused query (an `error` in the answer, as Supabase sends it) is unknown, never 0.
    fake_management.auth_failures = [("203.0.113.7", 80)]
    fake_management.logs_error = "Backend error! Retry your query."
    with open_store(migrated_db) as store:
        (seen,) = FailedLogins(threshold=50, severity="critical").observe(
            RuleContext(store, settings, NOW)
        )
    assert (seen.state, seen.value) == ("unknown", None)
    assert "log query rejected" in seen.message
    ctx = day_context(settings, DayWindow.of(NOW.date(), BERLIN))
    with pytest.raises(SourceError, match="log query rejected"):
        AuthFailedLogins().collect(ctx)  # the day's metric stays absent, not 0
