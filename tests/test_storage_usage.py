"""Supabase Storage bytes and objects per bucket (lib/metrics/storage.py), counted in SQL on a
seeded `storage` schema with Supabase's own columns."""

from __future__ import annotations

import json
import time

import psycopg
import pytest

from lib.core.config import load_settings
from lib.core.monitor_config import MonitorConfig
from lib.metrics import DayWindow
from lib.metrics.runner import compute_day
from lib.metrics.storage import StorageUsage, bucket_metric
from lib.metrics.store import storage_present, storage_usage
from lib.store import Store, StoreError
from lib.store.supabase import SupabaseTransport
from tests.alerting import open_store
from tests.business_run import BERLIN, business_settings, recent_ordinary_day
from tests.conftest import ANON_KEY, SERVICE_KEY

DAY = recent_ordinary_day()

# The columns of supabase/storage `migrations/tenant/0002-storage-schema.sql` (the tables every
# later migration extends; the monitor reads bucket_id and metadata->>'size' only):
# https://github.com/supabase/storage/blob/master/migrations/tenant/0002-storage-schema.sql
STORAGE_SCHEMA = """
create schema storage;
create table storage.buckets (
    id text not null primary key,
    name text not null,
    owner uuid,
    created_at timestamptz default now(),
    updated_at timestamptz default now()
);
create unique index bname on storage.buckets using btree (name);
create table storage.objects (
    id uuid not null default gen_random_uuid() primary key,
    bucket_id text references storage.buckets (id),
    name text,
    owner uuid,
    created_at timestamptz default now(),
    updated_at timestamptz default now(),
    last_accessed_at timestamptz default now(),
    metadata jsonb
);
create unique index bucketid_objname on storage.objects using btree (bucket_id, name);
alter table storage.objects enable row level security;
"""


def seed_storage(url: str) -> None:
    """Two buckets and an empty one; sizes as Storage writes them (`metadata.size`, bytes)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(STORAGE_SCHEMA)
        for bucket in ("workshop-uploads", "Logos.2026", "empty"):
            conn.execute("insert into storage.buckets (id, name) values (%s, %s)", (bucket, bucket))
        objects = [
            (
                "workshop-uploads",
                "w1/invoice.pdf",
                {"size": 250_000, "mimetype": "application/pdf"},
            ),
            ("workshop-uploads", "w1/car.jpg", {"size": 1_750_000, "mimetype": "image/jpeg"}),
            ("workshop-uploads", "w2/.emptyFolderPlaceholder", {"size": 0}),
            ("workshop-uploads", "w2/upload-in-progress", None),  # no metadata yet: 0 bytes
            ("Logos.2026", "carbot.svg", {"size": 4096, "mimetype": "image/svg+xml"}),
        ]
        with conn.cursor() as cur:
            cur.executemany(
                "insert into storage.objects (bucket_id, name, metadata) values (%s, %s, %s)",
                [(b, n, None if m is None else json.dumps(m)) for b, n, m in objects],
            )


def run_storage(url: str, latest: bool = True) -> dict:
    settings = business_settings(url, None, None)
    with open_store(url) as store:
        report = compute_day(
            settings,
            store,
            MonitorConfig(),
            DayWindow.of(DAY, BERLIN),
            time.monotonic() + 30,
            latest,
            [StorageUsage()],
        )
    return report.model_dump(mode="json")


def test_storage_counted_per_bucket_in_sql(migrated_db: str) -> None:
    seed_storage(migrated_db)
    with open_store(migrated_db) as store:
        usage = storage_usage(store)
    assert usage is not None
    assert {k: (v.bytes, v.objects) for k, v in usage.items()} == {
        "workshop-uploads": (2_000_000, 4),
        "Logos.2026": (4096, 1),
    }  # the empty bucket has no objects, so no row
    report = run_storage(migrated_db)
    assert report["unavailable"] == {} and report["skipped"] == {}
    assert report["metrics"] == {
        "storage_bytes": 2_004_096,
        "storage_objects": 5,
        "storage_bucket_bytes_workshop_uploads": 2_000_000,
        "storage_bucket_bytes_logos_2026": 4096,
    }


def test_without_a_storage_schema_the_source_is_absent_with_its_reason(migrated_db: str) -> None:
    report = run_storage(migrated_db)
    assert report["metrics"] == {}
    assert report["skipped"] == {
        "supabase_storage": "no Supabase Storage in this database (storage.objects does not exist)"
    }
    with open_store(migrated_db) as store:
        assert storage_usage(store) is None


def test_a_past_day_is_a_snapshot_not_measured(migrated_db: str) -> None:
    seed_storage(migrated_db)
    report = run_storage(migrated_db, latest=False)
    assert report["metrics"] == {}
    assert "snapshot" in report["skipped"]["supabase_storage"]


def test_through_postgrest_as_service_role(supabase_db: str, postgrest: object) -> None:
    """Production's path: the RPC as `service_role` (invoker's rights), which Supabase grants
    SELECT on storage.objects; `anon` may not call the function at all."""
    seed_storage(supabase_db)
    with psycopg.connect(supabase_db, autocommit=True) as conn:
        conn.execute("grant usage on schema storage to service_role")
        conn.execute("grant select on storage.objects to service_role")
    settings = load_settings(supabase_url=postgrest.url, supabase_service_role_key=SERVICE_KEY)
    with Store(SupabaseTransport(settings, timeout=5)) as store:
        assert storage_present(store) is True
        usage = storage_usage(store)
    assert usage is not None and usage["workshop-uploads"].bytes == 2_000_000
    anon = load_settings(supabase_url=postgrest.url, supabase_service_role_key=ANON_KEY)
    with Store(SupabaseTransport(anon, timeout=5)) as store, pytest.raises(StoreError):
        storage_usage(store)


def test_bucket_names_become_metric_names() -> None:
    assert bucket_metric("workshop-uploads") == "storage_bucket_bytes_workshop_uploads"
    assert bucket_metric("---") == "storage_bucket_bytes_unnamed"
    assert len(bucket_metric("b" * 100)) == 64
