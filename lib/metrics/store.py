"""The store calls of the metric sources: first data per source, Supabase Storage usage."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ValidationError

from lib.store import Store, StoreError


class BucketUsage(BaseModel):
    """One bucket's stored objects and the sum of their sizes (Storage's `metadata.size`)."""

    bytes: int
    objects: int


def first_data(store: Store) -> dict[str, datetime | None]:
    """The oldest stored row of each source (`monitoring_first_data`); None where there is none."""
    raw = store.call("monitoring_first_data")
    if not isinstance(raw, dict):
        raise StoreError("malformed answer", "monitoring_first_data")
    return {
        key: datetime.fromisoformat(value) if isinstance(value, str) else None
        for key, value in raw.items()
    }


def storage_present(store: Store) -> bool:
    """Whether this database has Supabase Storage's `storage.objects` table."""
    return store.call("monitoring_storage_present") is True


def storage_usage(store: Store) -> dict[str, BucketUsage] | None:
    """{bucket id: usage}; None when `storage.objects` does not exist."""
    raw = store.call("monitoring_storage_usage")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise StoreError("malformed answer", "monitoring_storage_usage")
    try:
        return {bucket: BucketUsage.model_validate(usage) for bucket, usage in raw.items()}
    except ValidationError:
        raise StoreError("malformed answer", "monitoring_storage_usage") from None
