-- monitoring_latest_checks() read the whole history (DISTINCT ON over every row: ~0.4 s at 1M
-- rows). Walk the (service, checked_at desc) index instead: one index probe per service.
create or replace function public.monitoring_latest_checks() returns jsonb
language sql stable as $$
    with recursive services as (
        (select service from public.monitoring_health_checks order by service limit 1)
        union all
        select (select h.service from public.monitoring_health_checks h
                where h.service > services.service order by h.service limit 1)
        from services where services.service is not null
    )
    select coalesce(jsonb_object_agg(latest.service, jsonb_build_object(
               'status', latest.status, 'latency_ms', latest.latency_ms, 'reason', latest.reason,
               'checked_at', latest.checked_at)), '{}'::jsonb)
    from services
    cross join lateral (
        select h.service, h.status, h.latency_ms, h.reason, h.checked_at
        from public.monitoring_health_checks h
        where h.service = services.service
        order by h.checked_at desc limit 1
    ) latest
$$;
-- CREATE OR REPLACE keeps the privileges set by the first migration (service_role only).
