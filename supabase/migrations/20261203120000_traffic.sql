-- CarBot's own traffic from Vercel Drains (docs/traffic.md): buckets per minute, hour and day,
-- per deployment and route group; web vitals per hour, metric and page; deliveries counted once.
-- Every latency histogram is a bigint[] over the same fixed log-spaced bounds
-- (lib/drains/histogram.py): buckets add element by element (monitoring_hist_sum), so any window's
-- percentiles come from summing its buckets. A window reads the coarsest grain that fits it.

create table public.monitoring_traffic_buckets (
    grain        text not null check (grain in ('minute', 'hour', 'day')),
    at           timestamptz not null,       -- start of the minute, hour or UTC day
    deployment   text not null default '' check (length(deployment) <= 64),
    route        text not null check (length(route) <= 200),
    requests     bigint not null default 0,
    status_2xx   bigint not null default 0,
    status_3xx   bigint not null default 0,
    status_4xx   bigint not null default 0,
    status_5xx   bigint not null default 0,
    crashes      bigint not null default 0,   -- statusCode -1: the function crashed, no response
    bytes        bigint not null default 0,
    cache_hits   bigint not null default 0,
    timed        bigint not null default 0,   -- requests with a duration (trace drain root spans)
    duration_ms  double precision not null default 0,  -- their sum, for the average
    latency      bigint[] not null default '{}',
    primary key (grain, at, deployment, route)
);

create table public.monitoring_web_vitals_hours (
    at       timestamptz not null,
    metric   text not null check (metric in ('LCP', 'INP', 'CLS', 'FCP', 'TTFB', 'FID')),
    page     text not null check (length(page) <= 200),
    samples  bigint not null default 0,
    hist     bigint[] not null default '{}',  -- CLS ×1000, the others in ms
    primary key (at, metric, page)
);

-- Route groups kept (at most [traffic] max_routes of them; the rest count as "other").
create table public.monitoring_traffic_routes (
    route       text primary key,
    first_seen  timestamptz not null default now()
);

-- A delivery Vercel retries after a timeout carries the same bytes: counted once per digest.
create table public.monitoring_drain_deliveries (
    digest       text primary key check (digest ~ '^[0-9a-f]{64}$'),
    kind         text not null check (kind in ('log', 'trace', 'speed_insights')),
    records      integer not null,
    received_at  timestamptz not null default now()
);
create index monitoring_drain_deliveries_kind_time on public.monitoring_drain_deliveries (kind, received_at desc);

alter table public.monitoring_traffic_buckets enable row level security;
alter table public.monitoring_web_vitals_hours enable row level security;
alter table public.monitoring_traffic_routes enable row level security;
alter table public.monitoring_drain_deliveries enable row level security;

create function public.monitoring_hist_add(a bigint[], b bigint[]) returns bigint[]
language sql immutable parallel safe as $$
    select coalesce(array_agg(coalesce(x, 0) + coalesce(y, 0) order by i), '{}')
    from unnest(a, b) with ordinality as u(x, y, i)
$$;

create aggregate public.monitoring_hist_sum(bigint[]) (
    sfunc = public.monitoring_hist_add, stype = bigint[], initcond = '{}'
);

-- One delivery, all-or-nothing: dedupe, route groups, add to the buckets of every grain, prune.
create function public.monitoring_traffic_ingest(
    p_digest text, p_kind text, p_records integer, p_traffic jsonb, p_vitals jsonb,
    p_max_routes integer
) returns jsonb
language plpgsql volatile as $$
declare
    fresh integer;
    added integer := 0;
    vitals integer := 0;
begin
    insert into public.monitoring_drain_deliveries (digest, kind, records)
    values (p_digest, p_kind, p_records) on conflict (digest) do nothing;
    get diagnostics fresh = row_count;
    if fresh = 0 then
        return jsonb_build_object('duplicate', true, 'buckets', 0, 'vitals', 0);
    end if;
    -- New route groups while there is room (concurrent deliveries may add one or two more).
    insert into public.monitoring_traffic_routes (route)
    select route from (
        select distinct r ->> 'route' as route
        from jsonb_array_elements(p_traffic || p_vitals) r
        where not exists (select 1 from public.monitoring_traffic_routes k
                          where k.route = r ->> 'route')
        order by 1
        limit greatest(0, p_max_routes - (select count(*) from public.monitoring_traffic_routes))
    ) n
    on conflict (route) do nothing;

    with rows as (
        select r.*, case when k.route is null then 'other' else r.route end as grouped
        from jsonb_to_recordset(p_traffic) as r(
            minute timestamptz, deployment text, route text, requests bigint, status_2xx bigint,
            status_3xx bigint, status_4xx bigint, status_5xx bigint, crashes bigint, bytes bigint,
            cache_hits bigint, timed bigint, duration_ms double precision, latency bigint[])
        left join public.monitoring_traffic_routes k on k.route = r.route
    ), grains as (
        select g.grain, case g.grain when 'minute' then r.minute
                                     when 'hour' then date_trunc('hour', r.minute)
                                     else date_trunc('day', r.minute at time zone 'UTC') at time zone 'UTC'
                        end as at, r.*
        from rows r cross join (values ('minute'), ('hour'), ('day')) g(grain)
    )
    insert into public.monitoring_traffic_buckets as t (
        grain, at, deployment, route, requests, status_2xx, status_3xx, status_4xx, status_5xx,
        crashes, bytes, cache_hits, timed, duration_ms, latency)
    select grain, at, coalesce(deployment, ''), grouped, sum(requests), sum(status_2xx),
           sum(status_3xx), sum(status_4xx), sum(status_5xx), sum(crashes), sum(bytes),
           sum(cache_hits), sum(timed), sum(duration_ms), public.monitoring_hist_sum(latency)
    from grains
    group by grain, at, coalesce(deployment, ''), grouped
    order by grain, at, coalesce(deployment, ''), grouped  -- one lock order for concurrent runs
    on conflict (grain, at, deployment, route) do update set
        requests = t.requests + excluded.requests,
        status_2xx = t.status_2xx + excluded.status_2xx,
        status_3xx = t.status_3xx + excluded.status_3xx,
        status_4xx = t.status_4xx + excluded.status_4xx,
        status_5xx = t.status_5xx + excluded.status_5xx,
        crashes = t.crashes + excluded.crashes,
        bytes = t.bytes + excluded.bytes,
        cache_hits = t.cache_hits + excluded.cache_hits,
        timed = t.timed + excluded.timed,
        duration_ms = t.duration_ms + excluded.duration_ms,
        latency = public.monitoring_hist_add(t.latency, excluded.latency);
    get diagnostics added = row_count;

    insert into public.monitoring_web_vitals_hours as w (at, metric, page, samples, hist)
    select date_trunc('hour', r.minute), r.metric,
           case when k.route is null then 'other' else r.route end,
           sum(r.samples), public.monitoring_hist_sum(r.hist)
    from jsonb_to_recordset(p_vitals) as r(minute timestamptz, metric text, route text,
                                           samples bigint, hist bigint[])
    left join public.monitoring_traffic_routes k on k.route = r.route
    group by 1, 2, 3
    order by 1, 2, 3
    on conflict (at, metric, page) do update set
        samples = w.samples + excluded.samples,
        hist = public.monitoring_hist_add(w.hist, excluded.hist);
    get diagnostics vitals = row_count;

    -- Buckets older than 35 days go (daily rollups stay in monitoring_daily_metrics); Vercel
    -- retries within minutes, so a day of digests is plenty.
    delete from public.monitoring_traffic_buckets where at < now() - interval '35 days';
    delete from public.monitoring_web_vitals_hours where at < now() - interval '35 days';
    delete from public.monitoring_drain_deliveries where received_at < now() - interval '1 day';
    return jsonb_build_object('duplicate', false, 'buckets', added, 'vitals', vitals);
end
$$;

-- The buckets of one grain in [p_from, p_to), grouped by p_by: 'all', 'route', 'deployment', or
-- 'time' (steps of p_step_s seconds); p_deployment narrows to one deployment.
create function public.monitoring_traffic_groups(
    p_grain text, p_from timestamptz, p_to timestamptz, p_by text, p_step_s integer,
    p_deployment text
) returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(g order by g ->> 'key'), '[]') from (
        select jsonb_build_object(
            'key', key, 'requests', sum(requests), 'status_4xx', sum(status_4xx),
            'status_5xx', sum(status_5xx), 'crashes', sum(crashes), 'bytes', sum(bytes),
            'cache_hits', sum(cache_hits), 'timed', sum(timed), 'duration_ms', sum(duration_ms),
            'latency', to_jsonb(public.monitoring_hist_sum(latency))) g
        from (
            select case p_by
                       when 'route' then route
                       when 'deployment' then deployment
                       when 'time' then to_char(to_timestamp(
                           floor(extract(epoch from at) / p_step_s) * p_step_s) at time zone 'UTC',
                           'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                       else 'all'
                   end as key, b.*
            from public.monitoring_traffic_buckets b
            where grain = p_grain and at >= p_from and at < p_to
              and (p_deployment is null or deployment = p_deployment)
        ) b
        group by key
    ) groups
$$;

create function public.monitoring_web_vitals_window(p_from timestamptz, p_to timestamptz) returns jsonb
language sql stable as $$
    select coalesce(jsonb_object_agg(metric, jsonb_build_object(
               'samples', samples, 'hist', to_jsonb(hist))), '{}')
    from (select metric, sum(samples) samples, public.monitoring_hist_sum(hist) hist
          from public.monitoring_web_vitals_hours
          where at >= p_from and at < p_to group by metric) m
$$;

create function public.monitoring_traffic_last_received() returns jsonb
language sql stable as $$
    select coalesce(jsonb_object_agg(kind, last), '{}')
    from (select kind, max(received_at) last from public.monitoring_drain_deliveries group by kind) k
$$;

do $$
declare
    fn regprocedure;
    role_name text;
    new_tables text := 'public.monitoring_traffic_buckets, public.monitoring_web_vitals_hours, '
                       'public.monitoring_traffic_routes, public.monitoring_drain_deliveries';
begin
    for fn in
        select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.proname in (
            'monitoring_hist_add', 'monitoring_hist_sum', 'monitoring_traffic_ingest',
            'monitoring_traffic_groups', 'monitoring_web_vitals_window',
            'monitoring_traffic_last_received')
    loop
        execute format('revoke all on function %s from public', fn);
        for role_name in select rolname from pg_roles where rolname in ('anon', 'authenticated') loop
            execute format('revoke all on function %s from %I', fn, role_name);
        end loop;
        if exists (select 1 from pg_roles where rolname = 'service_role') then
            execute format('grant execute on function %s to service_role', fn);
        end if;
    end loop;
    for role_name in select rolname from pg_roles where rolname in ('anon', 'authenticated') loop
        execute format('revoke all on table %s from %I', new_tables, role_name);
    end loop;
    if exists (select 1 from pg_roles where rolname = 'service_role') then
        execute format('grant select, insert, update, delete on table %s to service_role',
                       new_tables);
    end if;
end
$$;
