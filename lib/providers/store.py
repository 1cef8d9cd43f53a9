"""The store calls of provider status: record a refresh, read it back, claim the next one."""

from __future__ import annotations

from datetime import datetime

from lib.providers import ProviderIncident, ProviderStatus
from lib.store import Store


def record_statuses(store: Store, statuses: list[ProviderStatus]) -> None:
    """Replace the stored statuses (a page not read keeps its last incidents; [] clears)."""
    store.call("monitoring_provider_record", p_rows=[s.model_dump(mode="json") for s in statuses])


def provider_statuses(store: Store) -> list[ProviderStatus]:
    """The stored result of each provider's last refresh."""
    rows = store.call("monitoring_provider_statuses")
    return [ProviderStatus.model_validate(row) for row in rows]


def open_incidents(store: Store) -> list[ProviderIncident]:
    """Every open incident of every watched provider, as the last refresh saw them."""
    return [incident for status in provider_statuses(store) for incident in status.incidents]


def claim_refresh(store: Store, now: datetime, interval_s: int) -> bool:
    """True for exactly one caller when the last refresh is `interval_s` old (or never ran)."""
    return bool(store.call("monitoring_provider_claim", p_now=now, p_interval_s=interval_s))
