-- Visitors (Vercel Web Analytics drain), security signals of the log drain, and what the rules
-- and /api/analytics read of them (docs/visitors.md). No table holds an IP address or a raw
-- visitor id: networks are /24 and /48, ids are salted hashes kept until their day is counted.

alter table public.monitoring_drain_deliveries
    drop constraint monitoring_drain_deliveries_kind_check;
alter table public.monitoring_drain_deliveries
    add constraint monitoring_drain_deliveries_kind_check
    check (kind in ('log', 'trace', 'speed_insights', 'analytics'));

-- Page views and custom events per hour and per UTC day (grain) and dimension (page, route,
-- referrer, utm_campaign, utm_source, device, browser, os, country, event; page_views and
-- events with value ''). A 30-day window reads ~31 day rows per value, not 720 hour rows.
create table public.monitoring_analytics_hours (
    grain      text not null check (grain in ('hour', 'day')),
    at         timestamptz not null,
    dimension  text not null check (dimension ~ '^[a-z_]{1,20}$'),
    value      text not null check (length(value) <= 100),
    count      bigint not null check (count >= 0),
    primary key (grain, dimension, at, value)
);

-- One random salt per open day (METRICS_TIMEZONE): the hashes of the day's device and session
-- ids are only comparable with each other, and both go once the day is counted.
create table public.monitoring_visitor_salts (
    day   date primary key,
    salt  uuid not null default gen_random_uuid()
);
create table public.monitoring_visitor_hashes (
    day   date not null references public.monitoring_visitor_salts (day) on delete cascade,
    kind  text not null check (kind in ('device', 'session')),
    hash  bytea not null check (length(hash) = 8),
    primary key (day, kind, hash)
);
-- A counted (closed) day: its distinct devices and sessions. Ids of a closed day that arrive
-- late add page views but no visitor (their salt is gone).
create table public.monitoring_visitor_days (
    day        date primary key,
    visitors   integer not null,
    sessions   integer not null,
    closed_at  timestamptz not null default now()
);

-- Requests per hour, client network (/24, /48) and route group, with their firewall actions.
create table public.monitoring_edge_hours (
    at            timestamptz not null,
    network       text not null check (length(network) <= 64),
    route         text not null check (length(route) <= 200),
    requests      bigint not null default 0,
    status_4xx    bigint not null default 0,
    rate_limited  bigint not null default 0,
    denied        bigint not null default 0,
    challenged    bigint not null default 0,
    firewall      bigint not null default 0,
    scripted      bigint not null default 0,
    primary key (at, network, route)
);

-- The rules' reads (monitoring_visitor_signals): a route's 4 weeks, the hours with violations.
create index monitoring_edge_hours_route_at on public.monitoring_edge_hours (route, at)
    include (network, requests);
create index monitoring_edge_hours_violations on public.monitoring_edge_hours (at)
    include (rate_limited, denied) where rate_limited + denied > 0;

alter table public.monitoring_analytics_hours enable row level security;
alter table public.monitoring_visitor_salts enable row level security;
alter table public.monitoring_visitor_hashes enable row level security;
alter table public.monitoring_visitor_days enable row level security;
alter table public.monitoring_edge_hours enable row level security;

-- Days before p_before are counted and their hashes and salts deleted (idempotent).
create function public.monitoring_visitor_close(p_before date) returns integer
language plpgsql volatile as $$
declare closed integer;
begin
    insert into public.monitoring_visitor_days (day, visitors, sessions)
    select s.day, count(h.hash) filter (where h.kind = 'device'),
           count(h.hash) filter (where h.kind = 'session')
    from public.monitoring_visitor_salts s
    left join public.monitoring_visitor_hashes h on h.day = s.day
    where s.day < p_before
    group by s.day
    on conflict (day) do nothing;
    get diagnostics closed = row_count;
    delete from public.monitoring_visitor_salts where day < p_before;  -- hashes cascade
    delete from public.monitoring_visitor_days where day < p_before - 35;
    return closed;
end
$$;

-- One Web Analytics delivery, all-or-nothing: dedupe, add the hour rows, hash the ids of open
-- days with their salt, close the days before p_close_before, prune.
-- p_rows: [[hour, dimension, value, count], ...]; p_ids: {day: {"devices": [..], "sessions": [..]}}.
create function public.monitoring_analytics_ingest(
    p_digest text, p_records integer, p_rows jsonb, p_ids jsonb, p_close_before date
) returns jsonb
language plpgsql volatile as $$
declare
    fresh integer;
    added integer := 0;
begin
    insert into public.monitoring_drain_deliveries (digest, kind, records)
    values (p_digest, 'analytics', p_records) on conflict (digest) do nothing;
    get diagnostics fresh = row_count;
    if fresh = 0 then
        return jsonb_build_object('duplicate', true, 'buckets', 0);
    end if;
    insert into public.monitoring_analytics_hours as h (grain, at, dimension, value, count)
    select g.grain, date_trunc(g.grain, (e ->> 0)::timestamptz at time zone 'UTC')
                    at time zone 'UTC', e ->> 1, e ->> 2, sum((e ->> 3)::bigint)
    from jsonb_array_elements(coalesce(p_rows, '[]')) e, (values ('hour'), ('day')) g(grain)
    group by 1, 2, 3, 4
    order by 1, 3, 2, 4  -- one lock order for concurrent deliveries
    on conflict (grain, dimension, at, value) do update set count = h.count + excluded.count;
    get diagnostics added = row_count;

    insert into public.monitoring_visitor_salts (day)
    select d::date from jsonb_object_keys(coalesce(p_ids, '{}')) d
    where d::date >= p_close_before
      and not exists (select 1 from public.monitoring_visitor_days v where v.day = d::date)
    order by 1
    on conflict (day) do nothing;
    insert into public.monitoring_visitor_hashes (day, kind, hash)
    select s.day, k.kind,
           substring(sha256(convert_to(s.salt::text || ':' || i.id, 'UTF8')) from 1 for 8)
    from public.monitoring_visitor_salts s
    cross join lateral (values ('device', p_ids -> s.day::text -> 'devices'),
                               ('session', p_ids -> s.day::text -> 'sessions')) k(kind, ids)
    cross join lateral jsonb_array_elements_text(coalesce(k.ids, '[]')) i(id)
    where p_ids ? s.day::text
    order by 1, 2, 3
    on conflict do nothing;
    perform public.monitoring_visitor_close(p_close_before);

    delete from public.monitoring_analytics_hours where at < now() - interval '35 days';
    delete from public.monitoring_drain_deliveries
    where kind = 'analytics' and received_at < now() - interval '1 day';
    return jsonb_build_object('duplicate', false, 'buckets', added);
end
$$;

-- A log delivery: the traffic buckets (monitoring_traffic_ingest) and, unless it is a retry, the
-- security signals, in one transaction. p_edge: [[hour, network, route, requests, 4xx,
-- rate limited, denied, challenged, firewall, scripted], ...].
create function public.monitoring_log_ingest(
    p_edge jsonb, p_digest text, p_kind text, p_records integer, p_traffic jsonb, p_vitals jsonb,
    p_requests jsonb, p_claims jsonb, p_max_routes integer, p_max_deployments integer,
    p_idle_days integer
) returns jsonb
language plpgsql volatile as $$
declare written jsonb;
begin
    written := public.monitoring_traffic_ingest(
        p_digest, p_kind, p_records, p_traffic, p_vitals, p_requests, p_claims, p_max_routes,
        p_max_deployments, p_idle_days);
    if (written ->> 'duplicate')::boolean then
        return written;
    end if;
    insert into public.monitoring_edge_hours as x (
        at, network, route, requests, status_4xx, rate_limited, denied, challenged, firewall,
        scripted)
    select (e ->> 0)::timestamptz, e ->> 1, e ->> 2, sum((e ->> 3)::bigint),
           sum((e ->> 4)::bigint), sum((e ->> 5)::bigint), sum((e ->> 6)::bigint),
           sum((e ->> 7)::bigint), sum((e ->> 8)::bigint), sum((e ->> 9)::bigint)
    from jsonb_array_elements(coalesce(p_edge, '[]')) e
    group by 1, 2, 3
    order by 1, 2, 3
    on conflict (at, network, route) do update set
        requests = x.requests + excluded.requests,
        status_4xx = x.status_4xx + excluded.status_4xx,
        rate_limited = x.rate_limited + excluded.rate_limited,
        denied = x.denied + excluded.denied,
        challenged = x.challenged + excluded.challenged,
        firewall = x.firewall + excluded.firewall,
        scripted = x.scripted + excluded.scripted;
    delete from public.monitoring_edge_hours where at < now() - interval '35 days';
    return written;
end
$$;

-- The day's figures for the daily metrics (closing the days before p_close_before first).
create function public.monitoring_visitor_day(
    p_day date, p_start timestamptz, p_end timestamptz, p_close_before date
) returns jsonb
language plpgsql volatile as $$
begin
    perform public.monitoring_visitor_close(p_close_before);
    return jsonb_build_object(
        'first', least((select min(at) from public.monitoring_analytics_hours
                     where grain = 'hour' and dimension = 'page_views'),
                    (select min(at) from public.monitoring_analytics_hours
                     where grain = 'hour' and dimension = 'events')),
        'page_views', (select sum(count) from public.monitoring_analytics_hours
                       where grain = 'hour' and dimension = 'page_views'
                         and at >= p_start and at < p_end),
        'events', (select sum(count) from public.monitoring_analytics_hours
                   where grain = 'hour' and dimension = 'events'
                     and at >= p_start and at < p_end),
        'visitors', coalesce(
            (select visitors from public.monitoring_visitor_days where day = p_day),
            (select count(*) from public.monitoring_visitor_hashes
             where day = p_day and kind = 'device')),
        'sessions', coalesce(
            (select sessions from public.monitoring_visitor_days where day = p_day),
            (select count(*) from public.monitoring_visitor_hashes
             where day = p_day and kind = 'session')));
end
$$;

-- /api/analytics: the top p_top values of every dimension with each dimension's total (from
-- the rows of p_grain), the hourly page views, and the visitors and sessions of the window's days.
create function public.monitoring_analytics_summary(
    p_start timestamptz, p_end timestamptz, p_top integer, p_grain text
) returns jsonb
language sql stable as $$
    with w as (
        select dimension, value, sum(count) as n
        from public.monitoring_analytics_hours
        where grain = p_grain and at >= p_start and at < p_end
        group by 1, 2
    ), ranked as (
        select dimension, value, n,
               row_number() over (partition by dimension order by n desc, value) as r,
               sum(n) over (partition by dimension) as total
        from w
    ), dims as (
        select dimension, max(total) as total,
               jsonb_agg(jsonb_build_array(value, n) order by r) filter (where r <= p_top) as top
        from ranked group by dimension
    ), days as (
        select day, visitors, sessions from public.monitoring_visitor_days
        where day between p_start::date and p_end::date
        union all
        select s.day, count(h.hash) filter (where h.kind = 'device'),
               count(h.hash) filter (where h.kind = 'session')
        from public.monitoring_visitor_salts s
        left join public.monitoring_visitor_hashes h on h.day = s.day
        where s.day between p_start::date and p_end::date
          and not exists (select 1 from public.monitoring_visitor_days v where v.day = s.day)
        group by s.day
    )
    select jsonb_build_object(
        'first', least((select min(at) from public.monitoring_analytics_hours
                     where grain = 'hour' and dimension = 'page_views'),
                    (select min(at) from public.monitoring_analytics_hours
                     where grain = 'hour' and dimension = 'events')),
        'dimensions', coalesce((select jsonb_object_agg(
            dimension, jsonb_build_object('total', total, 'top', coalesce(top, '[]')))
            from dims), '{}'),
        'hours', coalesce((select jsonb_agg(jsonb_build_array(at, count) order by at)
                           from public.monitoring_analytics_hours
                           where grain = 'hour' and dimension = 'page_views' and value = ''
                             and at >= p_start and at < p_end), '[]'),
        'days', coalesce((select jsonb_agg(jsonb_build_array(day, visitors, sessions)
                                           order by day) from days), '[]'))
$$;

-- Everything the security and capacity rules read, in one call per evaluation:
-- edge hours of the last 28 days (firewall violations per hour, the last two hours per network
-- and route), the 4xx share of the last 15 minutes, page views per country per day for 29 days,
-- and 35 days of the capacity metrics.
create function public.monitoring_visitor_signals(p_now timestamptz) returns jsonb
language sql stable as $$
    with recent as (
        select network, route, sum(requests) as requests, sum(rate_limited + denied) as violations
        from public.monitoring_edge_hours
        where at >= date_trunc('hour', p_now) - interval '1 hour' and at <= p_now
        group by 1, 2
    ), top as (  -- the busiest networks of the last two hours: only they are judged for abuse
        select * from recent where network not in ('unknown', 'other')
        order by requests desc limit 20
    ), route_totals as (
        select route, sum(requests) as requests from recent
        where route in (select route from top) group by 1
    ), history as (  -- the 4 weeks before, of the routes judged only (index on route, at)
        select e.network, e.route, e.requests
        from public.monitoring_edge_hours e
        where e.route in (select route from top)
          and e.at >= p_now - interval '28 days'
          and e.at < date_trunc('hour', p_now) - interval '1 hour'
    ), baseline as (
        select network, route, sum(requests) as requests from history group by 1, 2
    ), baseline_routes as (
        select route, sum(requests) as requests from history group by 1
    )
    select jsonb_build_object(
        'edge_first', (select min(at) from public.monitoring_edge_hours),
        'violations', coalesce((
            select jsonb_agg(jsonb_build_array(at, v) order by at) from (
                select at, sum(rate_limited + denied) as v from public.monitoring_edge_hours
                where rate_limited + denied > 0
                  and at >= p_now - interval '28 days' and at <= p_now
                group by at) x), '[]'),
        'top_networks', coalesce((
            select jsonb_agg(jsonb_build_array(network, violations) order by violations desc)
            from (select network, sum(violations) as violations from recent group by 1
                  having sum(violations) > 0 order by 2 desc limit 3) x), '[]'),
        'top_routes', coalesce((
            select jsonb_agg(jsonb_build_array(route, violations) order by violations desc)
            from (select route, sum(violations) as violations from recent group by 1
                  having sum(violations) > 0 order by 2 desc limit 3) x), '[]'),
        'abuse', coalesce((
            select jsonb_agg(jsonb_build_array(r.network, r.route, r.requests, t.requests,
                                               coalesce(b.requests, 0), coalesce(br.requests, 0))
                             order by r.requests desc)
            from top r
            join route_totals t on t.route = r.route
            left join baseline b on b.network = r.network and b.route = r.route
            left join baseline_routes br on br.route = r.route), '[]'),
        'client_errors', (
            select jsonb_build_array(coalesce(sum(requests), 0), coalesce(sum(status_4xx), 0))
            from public.monitoring_traffic_buckets
            where grain = 'minute' and at >= p_now - interval '15 minutes' and at <= p_now),
        'countries_recent', coalesce((
            select jsonb_agg(jsonb_build_array(value, n) order by n desc) from (
                select value, sum(count) as n from public.monitoring_analytics_hours
                where grain = 'hour' and dimension = 'country'
                  and at > p_now - interval '24 hours' and at <= p_now
                group by 1) x), '[]'),
        'countries_days', coalesce((
            select jsonb_agg(jsonb_build_array(value, d, n)) from (
                select value,
                       floor(extract(epoch from (p_now - interval '24 hours' - at)) / 86400)::int
                           as d,
                       sum(count) as n
                from public.monitoring_analytics_hours
                where grain = 'hour' and dimension = 'country' and at >= p_now - interval '29 days'
                  and at <= p_now - interval '24 hours'
                group by 1, 2) x), '[]'),
        'abuse_firing', coalesce((
            select jsonb_agg(rule order by rule) from public.monitoring_alerts
            where rule like 'abuse\_suspected:%' and state = 'firing'), '[]'),
        'analytics_first', least((select min(at) from public.monitoring_analytics_hours
                     where grain = 'hour' and dimension = 'page_views'),
                    (select min(at) from public.monitoring_analytics_hours
                     where grain = 'hour' and dimension = 'events')),
        'capacity', coalesce((
            select jsonb_agg(jsonb_build_array(metric, day, value) order by metric, day)
            from public.monitoring_daily_metrics
            where metric in ('db_size_bytes', 'bandwidth_bytes', 'openai_cost_usd',
                             'storage_bytes')
              and day >= (p_now - interval '35 days')::date), '[]'))
$$;

-- The doctor's privacy item: what the tables with personal data hold, and how old it is.
create function public.monitoring_privacy_facts() returns jsonb
language sql stable as $$
    select jsonb_build_object(
        'edge_rows', (select count(*) from public.monitoring_edge_hours),
        'edge_unknown', (select count(*) from public.monitoring_edge_hours
                         where network = 'unknown'),
        'edge_full_addresses', (select count(*) from public.monitoring_edge_hours
                                where network not in ('unknown', 'other')
                                  and position('/' in network) = 0),
        'edge_oldest', (select min(at) from public.monitoring_edge_hours),
        'analytics_oldest', least((select min(at) from public.monitoring_analytics_hours
                     where grain = 'hour' and dimension = 'page_views'),
                    (select min(at) from public.monitoring_analytics_hours
                     where grain = 'hour' and dimension = 'events')),
        'hash_oldest_day', (select min(day) from public.monitoring_visitor_salts),
        'hashes', (select count(*) from public.monitoring_visitor_hashes))
$$;

select public.monitoring_restrict_to_service_role(
    'public.monitoring_visitor_close(date)'::regprocedure);
select public.monitoring_restrict_to_service_role(
    'public.monitoring_analytics_ingest(text, integer, jsonb, jsonb, date)'::regprocedure);
select public.monitoring_restrict_to_service_role(
    'public.monitoring_log_ingest(jsonb, text, text, integer, jsonb, jsonb, jsonb, jsonb, integer, integer, integer)'::regprocedure);
select public.monitoring_restrict_to_service_role(
    'public.monitoring_visitor_day(date, timestamptz, timestamptz, date)'::regprocedure);
select public.monitoring_restrict_to_service_role(
    'public.monitoring_analytics_summary(timestamptz, timestamptz, integer, text)'::regprocedure);
select public.monitoring_restrict_to_service_role(
    'public.monitoring_visitor_signals(timestamptz)'::regprocedure);
select public.monitoring_restrict_to_service_role(
    'public.monitoring_privacy_facts()'::regprocedure);

-- The new tables: service_role reads and writes them, anon and authenticated nothing.
do $$
declare
    role_name text;
    new_tables text := 'public.monitoring_analytics_hours, public.monitoring_visitor_salts, '
        'public.monitoring_visitor_hashes, public.monitoring_visitor_days, '
        'public.monitoring_edge_hours';
begin
    for role_name in select rolname from pg_roles where rolname in ('anon', 'authenticated') loop
        execute format('revoke all on table %s from %I', new_tables, role_name);
    end loop;
    if exists (select 1 from pg_roles where rolname = 'service_role') then
        execute format('grant select, insert, update, delete on table %s to service_role',
                       new_tables);
    end if;
end
$$;
