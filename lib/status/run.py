"""The status part of the 5-minute health check: draft incidents from critical alerts on public
components, then send the subscriber mails and webhooks that are due (docs/status.md)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from lib.core.components import components_or_defaults
from lib.core.config import Settings
from lib.core.errors import MonitorError, reason_for
from lib.core.log import log
from lib.core.monitor_config import MonitorConfig
from lib.status.events import draft_from_alerts, events_since
from lib.status.outbox import Mailer, send_due
from lib.status.sender import ResendSender
from lib.status.store import prune
from lib.store import Store

LOOKBACK = timedelta(days=3)  # events updated or ending since then may still owe a message


def mailer_for(db: Store, settings: Settings, budget_s: float = 20.0) -> Mailer | None:
    """None without STATUS_SECRET (links and webhook bodies could not be signed)."""
    if settings.status_secret is None:
        return None
    sender = None
    if settings.resend_api_key is not None:
        sender = ResendSender(str(settings.resend_api_url), settings.resend_api_key)
    return Mailer(
        db,
        sender,
        settings.status_email_from or settings.alert_email_from,
        str(settings.status_url) if settings.status_url else None,
        settings.status_secret,
        settings.metrics_timezone,
        budget_s,
    )


def communicate(
    db: Store, settings: Settings, now: datetime, config: MonitorConfig
) -> dict[str, Any]:
    """Never raises: a failure is reported in the cron summary and retried next run."""
    summary: dict[str, Any] = {}
    try:
        components = components_or_defaults(config.components)
        summary["drafted"] = draft_from_alerts(db, components, config.status, now)
        mailer = mailer_for(db, settings)
        if mailer is None:
            summary["subscribers"] = "STATUS_SECRET not set: nothing sent"
            return summary
        events = events_since(db, now - LOOKBACK, published_only=True)
        ahead = timedelta(hours=config.status.announce_ahead_h)
        summary["subscribers"] = send_due(mailer, events, now, ahead).model_dump()
        prune(db, now)
    except MonitorError as error:
        summary["error"] = error.reason
    except Exception as error:  # noqa: BLE001 - the health check itself must finish regardless
        summary["error"] = reason_for(error)
        log.warning("status communication failed: %s", summary["error"])
    return summary
