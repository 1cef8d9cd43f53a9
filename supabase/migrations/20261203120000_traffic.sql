-- CarBot's own traffic from Vercel Drains (docs/traffic.md): buckets per minute, hour and day,
-- per deployment and route group; web vitals per hour, metric and page; deliveries counted once.
-- Every latency histogram is a bigint[] over the same fixed log-spaced bounds
-- (lib/drains/histogram.py): buckets add element by element, so any window's
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

    -- The caller sends one row per grain and bucket; folding routes into "other" can make two
    -- rows one, so they are summed here (histograms element by element, set-based).
    with rows as (
        select r.grain, r.at, coalesce(r.deployment, '') as deployment,
               case when k.route is null then 'other' else r.route end as route,
               r.requests, r.status_2xx, r.status_3xx, r.status_4xx, r.status_5xx, r.crashes,
               r.bytes, r.cache_hits, r.timed, r.duration_ms, r.latency
        from jsonb_to_recordset(p_traffic) as r(
            grain text, at timestamptz, deployment text, route text, requests bigint,
            status_2xx bigint, status_3xx bigint, status_4xx bigint, status_5xx bigint,
            crashes bigint, bytes bigint, cache_hits bigint, timed bigint,
            duration_ms double precision, latency bigint[])
        left join public.monitoring_traffic_routes k on k.route = r.route
    ), sums as (
        select grain, at, deployment, route, sum(requests) requests, sum(status_2xx) s2,
               sum(status_3xx) s3, sum(status_4xx) s4, sum(status_5xx) s5, sum(crashes) crashes,
               sum(bytes) bytes, sum(cache_hits) cache_hits, sum(timed) timed,
               sum(duration_ms) duration_ms
        from rows group by grain, at, deployment, route
    ), hists as (
        select grain, at, deployment, route, array_agg(v order by i) latency
        from (select grain, at, deployment, route, i, sum(x)::bigint v
              from rows, unnest(rows.latency) with ordinality u(x, i)
              group by grain, at, deployment, route, i) e
        group by grain, at, deployment, route
    )
    insert into public.monitoring_traffic_buckets as t (
        grain, at, deployment, route, requests, status_2xx, status_3xx, status_4xx, status_5xx,
        crashes, bytes, cache_hits, timed, duration_ms, latency)
    select s.grain, s.at, s.deployment, s.route, s.requests, s.s2, s.s3, s.s4, s.s5, s.crashes,
           s.bytes, s.cache_hits, s.timed, s.duration_ms, coalesce(h.latency, '{}')
    from sums s left join hists h using (grain, at, deployment, route)
    order by s.grain, s.at, s.deployment, s.route  -- one lock order for concurrent deliveries
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

    with rows as (
        select date_trunc('hour', r.minute) at, r.metric,
               case when k.route is null then 'other' else r.route end as page, r.samples, r.hist
        from jsonb_to_recordset(p_vitals) as r(minute timestamptz, metric text, route text,
                                               samples bigint, hist bigint[])
        left join public.monitoring_traffic_routes k on k.route = r.route
    ), hists as (
        select at, metric, page, array_agg(v order by i) hist
        from (select at, metric, page, i, sum(x)::bigint v
              from rows, unnest(rows.hist) with ordinality u(x, i) group by at, metric, page, i) e
        group by at, metric, page
    )
    insert into public.monitoring_web_vitals_hours as w (at, metric, page, samples, hist)
    select r.at, r.metric, r.page, sum(r.samples), coalesce(min(h.hist), '{}')
    from rows r left join hists h using (at, metric, page)
    group by r.at, r.metric, r.page
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

-- The buckets of one grain in [p_from, p_to) as compact arrays; the caller sums them per group
-- (histograms element by element). Summing 67-element arrays in SQL (unnest + group by) cost
-- 250 ms for a day of hour buckets here; shipping the ~1,500 rows and adding them up in Python
-- costs a few ms, and /api/traffic gets every grouping from one call (bench/bench_drains.py).
create function public.monitoring_traffic_rows(
    p_grain text, p_from timestamptz, p_to timestamptz, p_deployment text
) returns jsonb
-- Always a narrow range of the primary key's prefix (grain, at); the planner's estimate mixes the
-- grains (a day of minute rows shares the hour rows' times) and would pick a seq scan.
language sql stable set enable_seqscan = off as $$
    select coalesce(jsonb_agg(jsonb_build_array(
               extract(epoch from at)::bigint, deployment, route, requests, status_4xx,
               status_5xx, crashes, bytes, cache_hits, timed, duration_ms,
               latency::text)), '[]')  -- as '{1,2,…}': bigint[] → jsonb costs 5× more here
    from public.monitoring_traffic_buckets
    where grain = p_grain and at >= p_from and at < p_to
      and (p_deployment is null or deployment = p_deployment)
$$;

create function public.monitoring_web_vitals_window(p_from timestamptz, p_to timestamptz) returns jsonb
language sql stable as $$
    with w as (
        select * from public.monitoring_web_vitals_hours where at >= p_from and at < p_to
    ), hists as (
        select metric, jsonb_agg(v order by i) hist
        from (select metric, i, sum(x) v from w, unnest(w.hist) with ordinality u(x, i)
              group by metric, i) e
        group by metric
    )
    select coalesce(jsonb_object_agg(s.metric, jsonb_build_object(
               'samples', s.samples, 'hist', coalesce(h.hist, '[]'::jsonb))), '{}')
    from (select metric, sum(samples) samples from w group by metric) s
    left join hists h using (metric)
$$;

-- Share of requests answered without 5xx or crash over 24 h, 7 d and 30 d (hour and day buckets),
-- for the public status summary; a window without requests is null.
create function public.monitoring_traffic_availability() returns jsonb
language sql stable set enable_seqscan = off as $$
    select jsonb_object_agg(w.name, (
        select case when sum(requests) > 0
                    then round(100 - 100.0 * sum(status_5xx + crashes) / sum(requests), 3) end
        from public.monitoring_traffic_buckets
        where grain = w.grain and at >= w.since))
    from (values ('24h', 'hour', date_trunc('hour', now()) - interval '24 hours'),
                 ('7d', 'hour', date_trunc('hour', now()) - interval '7 days'),
                 ('30d', 'day', date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'
                                - interval '30 days')) w(name, grain, since)
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
            'monitoring_hist_add', 'monitoring_traffic_ingest',
            'monitoring_traffic_rows', 'monitoring_web_vitals_window',
            'monitoring_traffic_last_received', 'monitoring_traffic_availability')
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
