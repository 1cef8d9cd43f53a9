"""How long drain buckets are kept: minute buckets for [traffic] minute_days, the rest 35 days."""

from __future__ import annotations

from datetime import datetime, timedelta

from lib.core.monitor_config import MonitorConfig
from lib.drains.store import prune_traffic_minutes
from lib.store import Store

# Hour and day buckets (and web vitals hours): monitoring_traffic_ingest deletes older ones.
BUCKETS_KEPT = timedelta(days=35)


def prune_minute_buckets(store: Store, config: MonitorConfig, now: datetime) -> int:
    """Drop minute buckets older than minute_days (the health check calls it every run).

    Hour and day buckets answer everything older and are pruned on ingest after 35 days.
    """
    before = now - timedelta(days=config.traffic.minute_days)
    return prune_traffic_minutes(store, before)
