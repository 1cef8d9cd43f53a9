"""The traffic bucket's counters are one list: lib/drains/aggregate.TrafficBucket's fields are
the columns of monitoring_traffic_buckets, every one of them written by monitoring_traffic_ingest,
and the summary's fields (lib/drains/query._FIELDS) are among them."""

from __future__ import annotations

import dataclasses
import re

import psycopg

from lib.drains.aggregate import TrafficBucket
from lib.drains.query import _FIELDS
from tests.conftest import ROOT

KEY_COLUMNS = {"grain", "at", "deployment", "route"}


def python_counters() -> list[str]:
    return [f.name for f in dataclasses.fields(TrafficBucket)]


def test_the_bucket_fields_are_the_tables_counter_columns(migrated_db: str) -> None:
    with psycopg.connect(migrated_db) as conn:
        columns = [
            name
            for (name,) in conn.execute(
                "select column_name from information_schema.columns"
                " where table_name = 'monitoring_traffic_buckets' order by ordinal_position"
            )
        ]
    assert set(columns) - KEY_COLUMNS == set(python_counters())


def test_the_ingest_writes_and_the_summary_reads_every_counter() -> None:
    schema = (ROOT / "supabase" / "schema.sql").read_text()
    ingest = schema.split("CREATE FUNCTION public.monitoring_traffic_ingest(", 1)[1]
    ingest = ingest.split("\n$$;", 1)[0]
    for counter in python_counters():
        # Each counter is summed into the bucket on conflict: `<name> = t.<name> + ...`.
        assert re.search(rf"\b{counter} = ", ingest), counter
    assert set(_FIELDS) <= set(python_counters())
