"""Provider status through the health-check cron: fake Statuspage and Atom servers on 127.0.0.1
whose answers change (operational → incident → resolved, slow, 500, garbage, hang)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lib.core.config import ConfigError, Settings
from lib.core.monitor_config import parse_monitor_config
from lib.jobs.health_check import check_and_alert
from lib.probes import Level, ProbeResult
from lib.providers import DEFAULTS, configured_providers
from lib.providers.refresh import REFRESH_BUDGET_S
from lib.providers.store import open_incidents, provider_statuses
from tests.alerting import T0, only_rules, open_store, settings_for
from tests.fakes.status import FakeStatusPage

# Each test starts from an emptied module database (conftest: migrated_db).
pytestmark = pytest.mark.reuse_module_db

MIN = timedelta(minutes=1)
OK = {"database": ProbeResult(level=Level.OK, latency_ms=5)}


@pytest.fixture
def pages() -> Iterator[tuple[FakeStatusPage, FakeStatusPage]]:
    statuspage, feed = FakeStatusPage(), FakeStatusPage()
    statuspage.slow_s = feed.slow_s = 0.3
    yield statuspage, feed
    statuspage.close()
    feed.close()


def provider_toml(statuspage: FakeStatusPage, feed: FakeStatusPage) -> str:
    return f"""
[providers.vercel]
url = "{statuspage.summary_url}"
[providers.stripe]
kind = "feed"
url = "{feed.feed_url}"
[providers.supabase]
enabled = false
[providers.openai]
enabled = false
[providers.resend]
enabled = false
"""


def settings(url: str, tmp_path: Path, pages: tuple[FakeStatusPage, FakeStatusPage]) -> Settings:
    config = only_rules(tmp_path, extra=provider_toml(*pages))
    return settings_for(url, config, provider_status=True)


def run(store: Any, s: Settings, minutes: int) -> dict[str, Any]:
    return check_and_alert(store, s, T0 + minutes * MIN, results=OK)


def test_operational_incident_resolved(
    migrated_db: str, tmp_path: Path, pages: tuple[FakeStatusPage, FakeStatusPage]
) -> None:
    statuspage, feed = pages
    s = settings(migrated_db, tmp_path, pages)
    with open_store(migrated_db) as store:
        summary = run(store, s, 0)
        assert summary["providers"] == {
            "refreshed": True,
            "providers": {"vercel": "none", "stripe": "none"},
            "open_incidents": 0,
        }
        assert open_incidents(store) == []

        statuspage.open_incident("Elevated build times", T0 + 2 * MIN)
        feed.open_incident("Elevated API errors", T0 + 3 * MIN)
        # Within 5 minutes of the last refresh nothing is fetched again.
        before = len(statuspage.requests) + len(feed.requests)
        assert run(store, s, 4)["providers"]["reason"] == "refreshed less than 5 minutes ago"
        assert len(statuspage.requests) + len(feed.requests) == before

        summary = run(store, s, 5)
        assert summary["providers"]["open_incidents"] == 2
        incidents = {i.provider: i for i in open_incidents(store)}
        assert incidents["vercel"].name == "Elevated build times"
        assert incidents["vercel"].impact == "major"
        assert incidents["vercel"].url == "https://stspg.io/inc1"
        assert incidents["stripe"].name == "Elevated API errors"
        assert incidents["stripe"].status == "investigating"
        assert incidents["stripe"].started_at == T0 + 3 * MIN
        assert incidents["stripe"].title == "Stripe"

        statuspage.resolve_all()
        feed.resolve_all()
        assert run(store, s, 10)["providers"]["open_incidents"] == 0
        assert open_incidents(store) == []


@pytest.mark.parametrize("mode", ["slow", "500", "garbage", "hang"])
def test_failing_pages_never_hold_up_the_cron(
    migrated_db: str,
    tmp_path: Path,
    pages: tuple[FakeStatusPage, FakeStatusPage],
    mode: str,
) -> None:
    statuspage, feed = pages
    s = settings(migrated_db, tmp_path, pages)
    with open_store(migrated_db) as store:
        statuspage.open_incident("Degraded deployments", T0)
        feed.open_incident("Elevated API errors", T0)
        run(store, s, 0)
        statuspage.mode = feed.mode = mode
        started = time.monotonic()
        summary = run(store, s, 5)
        elapsed = time.monotonic() - started
        # The refresh has its own budget; the run's other work is fast here (no probes).
        assert elapsed < REFRESH_BUDGET_S + 1.5, elapsed
        statuses = {p.provider: p for p in provider_statuses(store)}
        if mode == "slow":
            assert all(p.ok for p in statuses.values())
        else:
            words = summary["providers"]["providers"]
            assert all(w.startswith("unreadable") for w in words.values()), words
            assert not any(p.ok for p in statuses.values())
            expected = {"hang": "timeout", "500": "status page answered 500"}.get(mode)
            if expected:
                assert statuses["vercel"].error == expected
            # A page that cannot be read keeps the incidents it last reported.
            assert {i.provider for i in open_incidents(store)} == {"vercel", "stripe"}
        assert summary["recorded"] == 1  # the health checks themselves were stored


def test_two_overlapping_runs_fetch_once(
    migrated_db: str, tmp_path: Path, pages: tuple[FakeStatusPage, FakeStatusPage]
) -> None:
    statuspage, feed = pages
    s = settings(migrated_db, tmp_path, pages)
    summaries: list[dict[str, Any]] = []

    def one() -> None:
        with open_store(migrated_db) as store:
            summaries.append(run(store, s, 0))

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(x["providers"]["refreshed"] for x in summaries) == [False, True]
    assert len(statuspage.requests) == 1 and len(feed.requests) == 1


def test_defaults_and_switches() -> None:
    everything = configured_providers(parse_monitor_config(""))
    assert [(p.name, p.kind) for p in everything] == [
        ("vercel", "statuspage"),
        ("supabase", "statuspage"),
        ("stripe", "feed"),
        ("openai", "feed"),
        ("resend", "feed"),
    ]
    assert all(p.url.startswith("https://") for p in DEFAULTS.values())
    off = parse_monitor_config("[providers.openai]\nenabled = false\n")
    assert "openai" not in {p.name for p in configured_providers(off)}
    for bad, word in (
        ("[providers.heroku]\nenabled = false\n", "providers.heroku"),
        ('[providers.stripe]\nkind = "html"\n', "providers.stripe.kind"),
        ('[providers.stripe]\nurl = "not a url"\n', "providers.stripe.url"),
        ("[providers.stripe]\ninterval = 5\n", "providers.stripe.interval"),
    ):
        with pytest.raises(ConfigError, match=word.replace(".", r"\.")):
            parse_monitor_config(bad)


def test_statuspage_feed_maintenance_is_upcoming_not_an_incident(
    migrated_db: str, tmp_path: Path, pages: tuple[FakeStatusPage, FakeStatusPage]
) -> None:
    """Stripe's Statuspage Atom feed, served unchanged: an entry whose newest update is
    `Scheduled` is upcoming maintenance, and an incident starts at its first update."""
    statuspage, feed = pages
    feed.serve_fixture("statuspage/history.atom")
    statuspage.serve_fixture("statuspage/summary.json")
    s = settings(migrated_db, tmp_path, pages)
    now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    with open_store(migrated_db) as store:
        summary = check_and_alert(store, s, now, results=OK)
        assert summary["providers"]["open_incidents"] == 2
        incidents = {(i.provider, i.name): i for i in open_incidents(store)}
        assert set(incidents) == {
            ("stripe", "Elevated API error rates"),
            ("vercel", "Elevated API error rates"),
        }
        assert incidents["stripe", "Elevated API error rates"].started_at == datetime(
            2026, 12, 3, 10, 47, tzinfo=UTC
        )
        statuses = {p.provider: p for p in provider_statuses(store)}
        assert {(m.name, m.status) for m in statuses["stripe"].maintenances} == {
            ("Network maintenance (no interruption expected)", "scheduled"),
            ("Dashboard web tier recycle", "in_progress"),
        }
        assert {m.status for m in statuses["vercel"].maintenances} == {"scheduled", "in_progress"}


def test_provider_status_off_clears_what_earlier_runs_read(
    migrated_db: str, tmp_path: Path, pages: tuple[FakeStatusPage, FakeStatusPage]
) -> None:
    statuspage, feed = pages
    statuspage.mode = feed.mode = "500"
    s = settings(migrated_db, tmp_path, pages)
    with open_store(migrated_db) as store:
        run(store, s, 0)
        assert {p.provider for p in provider_statuses(store) if not p.ok} == {"vercel", "stripe"}
        off = s.model_copy(update={"provider_status": False})
        assert run(store, off, 10)["providers"]["reason"] == "PROVIDER_STATUS is off"
        assert provider_statuses(store) == []
        assert len(statuspage.requests) + len(feed.requests) == 2  # nothing fetched when off
