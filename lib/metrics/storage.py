"""Supabase Storage: bytes and objects per bucket, counted in SQL (lib/metrics/store.py)."""

from __future__ import annotations

import re

from lib.metrics import SourceContext, SourceError
from lib.metrics.store import storage_present, storage_usage

BUCKET_PREFIX = "storage_bucket_bytes_"
_NOT_NAME = re.compile(r"[^a-z0-9]+")


def bucket_metric(bucket: str) -> str:
    """`storage_bucket_bytes_<slug>` (metric names are `[a-z0-9_]`, at most 64 characters)."""
    slug = _NOT_NAME.sub("_", bucket.lower()).strip("_") or "unnamed"
    return (BUCKET_PREFIX + slug)[:64]


class StorageUsage:
    """A snapshot like the database size: measured for the day that just ended only."""

    name = "supabase_storage"
    uses_store = True

    def missing(self, ctx: SourceContext) -> str | None:
        if not ctx.latest:
            return "a snapshot: measured only for the day that just ended"
        if not storage_present(ctx.store):
            return "no Supabase Storage in this database (storage.objects does not exist)"
        return None

    def collect(self, ctx: SourceContext) -> dict[str, float]:
        usage = storage_usage(ctx.store)
        if usage is None:
            raise SourceError("storage.objects does not exist")
        values: dict[str, float] = {
            "storage_bytes": sum(u.bytes for u in usage.values()),
            "storage_objects": sum(u.objects for u in usage.values()),
        }
        for bucket, figures in usage.items():
            # Two buckets whose names slug alike share one row (summed), never overwrite.
            name = bucket_metric(bucket)
            values[name] = values.get(name, 0) + figures.bytes
        return values
