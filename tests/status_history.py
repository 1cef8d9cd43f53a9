"""Seeds check history for the status tests and the benchmark (one SQL statement per service)."""

from __future__ import annotations

from datetime import datetime, timedelta

import psycopg

# service → (typical latency ms, share of checks down, share degraded); a believable mix.
PROFILES: dict[str, tuple[int, float, float]] = {
    "database": (12, 0.001, 0.002),
    "openai": (320, 0.004, 0.01),
    "stripe": (180, 0.0005, 0.002),
    "email": (140, 0.002, 0.004),
}


def seed_history(
    url: str,
    now: datetime,
    days: int,
    every_minutes: int = 5,
    services: dict[str, tuple[int, float, float]] | None = None,
    outage: tuple[datetime, datetime] | None = None,
) -> int:
    """One check per service every `every_minutes` for `days` up to `now`; returns rows written.

    Deterministic (hash of the row number, no random state). `outage`: [start, end) during which
    every check of "openai" is down, to give the page a visibly bad day.
    """
    total = 0
    with psycopg.connect(url, autocommit=True) as conn:
        for index, (service, (latency, down, degraded)) in enumerate(
            (services or PROFILES).items()
        ):
            rows = conn.execute(
                """
                insert into public.monitoring_health_checks
                    (checked_at, service, status, latency_ms, reason)
                select t, %(service)s, s,
                       case when s = 'down' then null
                            else (%(latency)s * (0.7 + 0.6 * r) * (1 + 0.3 * sin(n / 288.0)))::int
                       end,
                       case when s = 'down' then 'timeout' end
                from (
                    select n, %(now)s - n * %(step)s::interval as t,
                           abs(hashtext(%(service)s || n)) / 2147483647.0 as r
                    from generate_series(0, %(count)s - 1) n
                ) g,
                lateral (select case
                    when %(outage_from)s::timestamptz is not null and %(service)s = 'openai'
                         and t >= %(outage_from)s and t < %(outage_to)s then 'down'
                    when r < %(down)s then 'down'
                    when r < %(down)s + %(degraded)s then 'degraded'
                    else 'ok' end as s) st
                """,
                {
                    "service": service,
                    "latency": latency,
                    "now": now - timedelta(seconds=index),
                    "step": timedelta(minutes=every_minutes),
                    "count": days * 24 * 60 // every_minutes,
                    "down": down,
                    "degraded": degraded,
                    "outage_from": outage[0] if outage else None,
                    "outage_to": outage[1] if outage else None,
                },
            )
            total += rows.rowcount
    return total
