"""The store calls of the status page: its summary, incidents, subscribers and their deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lib.status.model import StoredEvent
from lib.store import Store


def status_page(db: Store, now: datetime, timezone: str, history_days: int) -> dict[str, Any]:
    """The status page's one round trip: checks, history, incidents and traffic availability."""
    return db.call(
        "monitoring_status_page",
        p_now=now,
        p_timezone=timezone,
        p_history_days=history_days,
    )


def get_event(db: Store, event_id: str) -> StoredEvent | None:
    """One incident or maintenance window by id; None when there is none."""
    row = db.call("monitoring_status_event_get", p_id=event_id)
    return StoredEvent.model_validate(row) if row else None


def put_event(db: Store, event: StoredEvent, expected_version: int) -> StoredEvent | None:
    """Insert (expected_version 0) or replace at that version; None when another writer won."""
    row = db.call(
        "monitoring_status_event_put",
        p_event=event.model_dump(mode="json"),
        p_expected_version=expected_version,
    )
    return StoredEvent.model_validate(row) if row else None


def rate_hit(db: Store, limits: dict[str, int], now: datetime, window_s: int) -> bool:
    """Count one attempt on each key; True when any key is over its limit in the window."""
    return bool(
        db.call("monitoring_status_rate_hit", p_keys=limits, p_now=now, p_window_s=window_s)
    )


def subscribe_pending(
    db: Store, email: str, language: str, components: list[str] | None, now: datetime
) -> dict[str, Any] | None:
    """Store a pending address: {"id", "send", "confirmed"}; `send` at most once a day."""
    return db.call(
        "monitoring_status_subscribe",
        p_email=email,
        p_language=language,
        p_components=components,
        p_now=now,
    )


def subscriber(db: Store, subscriber_id: int) -> dict[str, Any] | None:
    """One subscriber's row (email, language, components, ...); None when there is none."""
    return db.call("monitoring_status_subscriber", p_id=subscriber_id)


def confirm_subscriber(db: Store, subscriber_id: int, now: datetime) -> None:
    """Mark an e-mail subscriber confirmed (the double opt-in's second step)."""
    db.call("monitoring_status_confirm", p_id=subscriber_id, p_now=now)


def set_preferences(
    db: Store, subscriber_id: int, language: str, components: list[str] | None
) -> dict[str, Any]:
    """Store a subscriber's language and components; the updated row."""
    row = db.call(
        "monitoring_status_preferences",
        p_id=subscriber_id,
        p_language=language,
        p_components=components,
    )
    assert isinstance(row, dict)
    return row


def delete_subscriber(db: Store, subscriber_id: int = 0, email: str | None = None) -> int:
    """Delete a subscriber by id or by address; how many rows went."""
    return int(db.call("monitoring_status_unsubscribe", p_id=subscriber_id, p_email=email) or 0)


def add_webhook(db: Store, url: str, components: list[str] | None, now: datetime) -> dict[str, Any]:
    """Store a webhook subscription; its row ({"id", ...})."""
    row = db.call("monitoring_status_add_webhook", p_url=url, p_components=components, p_now=now)
    assert isinstance(row, dict)
    return row


def claim_deliveries(
    db: Store,
    message: str,
    components: list[str] | None,
    not_after: datetime,
    now: datetime,
    limit: int,
) -> list[dict[str, Any]]:
    """Claim up to `limit` subscribers not yet sent `message`; [] when none is left."""
    claimed = db.call(
        "monitoring_status_claim",
        p_message=message,
        p_components=components,
        p_not_after=not_after,
        p_now=now,
        p_limit=limit,
    )
    return list(claimed or [])


def mark_delivered(db: Store, message: str, ids: list[Any], sent: bool, now: datetime) -> None:
    """Mark claimed deliveries sent, or release them for the next run."""
    db.call("monitoring_status_delivered", p_message=message, p_ids=ids, p_sent=sent, p_now=now)


def prune(db: Store, now: datetime) -> int:
    """Delete addresses unconfirmed for 7 days and deliveries of 120 days ago; addresses gone."""
    return int(db.call("monitoring_status_prune", p_now=now) or 0)
