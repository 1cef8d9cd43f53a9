"""Helpers for the alerting tests: a store on a migrated database, settings, seeds, a clock."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from lib.alerts.rules import RULES_BY_NAME
from lib.core.config import Settings, load_settings
from lib.store import AlertEvent, AlertRow, EventKind, Store
from lib.store.postgres import PostgresTransport
from tests.conftest import SECRETS

# A Friday noon (UTC); "yesterday" in Europe/Berlin is 2026-11-19.
T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
YESTERDAY = T0.date() - timedelta(days=1)
EMAIL_TO = "ops@carbot.de"
EMAIL_FROM = "CarBot Monitor <monitor@carbot.de>"


def open_store(url: str) -> Store:
    return Store(PostgresTransport(url, timeout=5))


def settings_for(url: str, config: Path | None = None, **overrides: object) -> Settings:
    values: dict[str, object] = {"database_url": url, "monitor_config": config and str(config)}
    return load_settings(**{**values, **overrides})


def notify_settings(
    url: str, resend_url: str, hook_url: str, config: Path | None = None, **overrides: object
) -> Settings:
    return settings_for(
        url,
        config,
        resend_api_key=SECRETS["RESEND_API_KEY"],
        resend_api_url=resend_url,
        alert_email_to=EMAIL_TO,
        alert_email_from=EMAIL_FROM,
        alert_webhook_url=hook_url,
        **overrides,
    )


def only_rules(directory: Path, *enabled: str, extra: str = "") -> Path:
    """A monitoring.toml that switches every rule off except `enabled`."""
    path = directory / "monitoring.toml"
    sections = [
        f"[alerts.{name}]\nenabled = false\n" for name in RULES_BY_NAME if name not in enabled
    ]
    path.write_text("\n".join(sections) + "\n" + extra)
    return path


def seed_checks(
    store: Store, service: str, statuses: Iterable[tuple[datetime, str]], latency_ms: int = 20
) -> None:
    store.record_checks(
        [
            {
                "service": service,
                "status": status,
                "latency_ms": latency_ms,
                "reason": "connection refused" if status == "down" else None,
                "checked_at": at,
            }
            for at, status in statuses
        ]
    )


def seed_metrics(store: Store, day: object, **values: float) -> None:
    store.upsert_daily_metrics(
        [{"day": day, "metric": k, "value": v, "unit": "x"} for k, v in values.items()]
    )


def seed_cron_success(url: str, job: str, at: datetime) -> None:
    with psycopg.connect(url) as conn:
        conn.execute(
            "insert into monitoring_cron_runs (job, started_at, finished_at, outcome) "
            "values (%s, %s, %s, 'success')",
            (job, at - timedelta(seconds=5), at),
        )


# A Stripe incident as the status feed reports it, and recording it as the refresh job does.
INCIDENT = {
    "provider": "stripe",
    "name": "Elevated API errors",
    "status": "investigating",
    "started_at": (T0 - timedelta(minutes=20)).isoformat(),
    "url": "https://www.stripestatus.com/incidents/x1",
    "impact": None,
}


def record_incident(store: Store, *incidents: dict[str, Any]) -> None:
    store.call(
        "monitoring_provider_record",
        p_rows=[
            {
                "provider": "stripe",
                "kind": "feed",
                "checked_at": T0.isoformat(),
                "ok": True,
                "indicator": "minor" if incidents else "none",
                "description": None,
                "error": None,
                "incidents": list(incidents),
            }
        ],
    )


def seed_episode(
    store: Store,
    rule: str,
    start: datetime,
    end: datetime | None = None,
    *,
    announced: bool = True,
    threshold: float | None = None,
    **fields: Any,
) -> AlertRow:
    """An episode written as the engine writes one: the firing row and its event (`firing`, or
    `silenced` when not announced), then, with `end`, back to ok and `resolved`."""
    patch = {"state": "firing", "since": start, **fields}
    if announced:
        patch["last_notified_at"] = start
    kind: EventKind = "firing" if announced else "silenced"
    event = AlertEvent(kind=kind, at=start, episode_start=start, threshold=threshold)
    row = store.alert_transition(rule, 0, patch, event)
    assert row is not None
    if end is not None:
        resolved = AlertEvent(kind="resolved", at=end, episode_start=start)
        row = store.alert_transition(rule, row.version, {"state": "ok", "since": end}, resolved)
        assert row is not None
    return row
