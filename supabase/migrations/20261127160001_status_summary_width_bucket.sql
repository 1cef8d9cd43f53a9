-- monitoring_status_summary, same result, about twice as fast: a row's local day is found by
-- width_bucket over the local midnights instead of a time-zone conversion per row.
-- (A new file because 20261127160000 is already applied where it was merged.)

create or replace function public.monitoring_status_summary(
    p_now timestamptz, p_timezone text, p_history_days integer default 90
) returns jsonb
language sql stable as $$
    with bounds as (
        select (p_now at time zone p_timezone)::date - (greatest(p_history_days, 1) - 1) as first_day
    ), edges as (
        -- Local midnights as instants, so each row finds its day by binary search (width_bucket)
        -- instead of a time-zone conversion per row, the dominant cost of the earlier version.
        select b.first_day,
               array_agg((b.first_day + k)::timestamp at time zone p_timezone order by k) as midnights
        from bounds b,
             generate_series(0, (p_now at time zone p_timezone)::date - b.first_day) as k
        group by b.first_day
    ), scan as (
        -- Windows nest (24 h in 7 d in 30 d), so one pass buckets every row by the smallest window
        -- that holds it, and by its local day; sums over buckets give windows and days alike.
        select h.service,
               -- bucket i >= 1 is day first_day + i - 1; 0 is before first_day (windows only).
               e.first_day + width_bucket(h.checked_at, e.midnights) - 1 as day,
               case when h.checked_at >= p_now - interval '24 hours' then 1
                    when h.checked_at >= p_now - interval '7 days' then 7
                    when h.checked_at >= p_now - interval '30 days' then 30
                    else 0 end as win,
               count(*) as checks,
               count(*) filter (where h.status <> 'down') as up,
               count(*) filter (where h.status = 'degraded') as degraded,
               coalesce(sum(h.latency_ms) filter (where h.status <> 'down'), 0) as latency_sum,
               count(h.latency_ms) filter (where h.status <> 'down') as latency_n
        from public.monitoring_health_checks h, edges e
        where h.checked_at <= p_now
          and h.checked_at >= least(p_now - interval '30 days', e.midnights[1])
        group by 1, 2, 3
    ), windows as (
        select coalesce(s.service, 'overall') as service, w.days,
               sum(s.checks) as checks, sum(s.up) as up, sum(s.degraded) as degraded,
               sum(s.latency_sum) as latency_sum, sum(s.latency_n) as latency_n
        from scan s join (values (1), (7), (30)) as w(days) on s.win between 1 and w.days
        group by grouping sets ((s.service, w.days), (w.days))
    ), daily as (
        select coalesce(s.service, 'overall') as service, s.day,
               sum(s.checks) as checks, sum(s.up) as up, sum(s.degraded) as degraded,
               sum(s.latency_sum) as latency_sum, sum(s.latency_n) as latency_n
        from scan s, bounds b
        where s.day >= b.first_day
        group by grouping sets ((s.service, s.day), (s.day))
    ), latest as (
        select s.service, l.status, l.latency_ms, l.checked_at
        from (select distinct service from scan) s
        cross join lateral (
            select status, latency_ms, checked_at from public.monitoring_health_checks h
            where h.service = s.service and h.checked_at <= p_now
            order by h.checked_at desc limit 1
        ) l
    )
    select jsonb_build_object(
        'now', p_now,
        'timezone', p_timezone,
        'first_day', (select first_day from bounds),
        'windows', coalesce((
            select jsonb_object_agg(service, per) from (
                select service, jsonb_object_agg(days::text, jsonb_build_object(
                           'checks', checks, 'up', up, 'degraded', degraded,
                           'latency_sum', latency_sum, 'latency_n', latency_n)) as per
                from windows group by service) x), '{}'::jsonb),
        'daily', coalesce((
            select jsonb_object_agg(service, per) from (
                select service, jsonb_agg(jsonb_build_object(
                           'day', day, 'checks', checks, 'up', up, 'degraded', degraded,
                           'latency_sum', latency_sum, 'latency_n', latency_n) order by day) as per
                from daily group by service) x), '{}'::jsonb),
        'latest', coalesce((
            select jsonb_object_agg(service, jsonb_build_object(
                       'status', status, 'latency_ms', latency_ms, 'checked_at', checked_at))
            from latest), '{}'::jsonb),
        'incidents', coalesce((
            select jsonb_agg(jsonb_build_object('rule', rule, 'severity', severity, 'since', since)
                             order by case severity when 'critical' then 0
                                                    when 'warning' then 1 else 2 end, since)
            from public.monitoring_alerts where state = 'firing'), '[]'::jsonb)
    )
$$;

-- create or replace keeps the grants of 20261127160000 (service_role only); nothing to change.
