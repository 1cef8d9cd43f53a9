-- Drain requests counted once per request (docs/traffic.md "Counting"): Vercel sends one log line
-- per console.log of a function, each carrying the request's `requestId` and usually its `proxy`
-- object, and a request's lines may be split across deliveries. What a request adds to the buckets
-- is kept as facts keyed by its requestId for a day (request, failed, crashed); a fact already
-- there is not counted again, so two deliveries with lines of one request, even at once, count it
-- once (insert ... on conflict do nothing returning: the second waits for the first's row).
--
-- Failed requests get their own column: a crashed invocation (statusCode -1) and its proxy's 500
-- are one failed request, so error rate = failed / requests, never (5xx + crashes) / requests.
--
-- Route groups and deployments hold a slot only while they are seen: a route group answered only
-- with 4xx (a scanner's /wp-login.php) never takes one, and one unseen for [traffic] idle_days
-- gives it back. Deployments are capped the same way ([traffic] max_deployments; the rest
-- count as "other").

create table public.monitoring_drain_requests (
    -- "C": ids compare as bytes, the cheapest order to keep them in (and to lock them in)
    request_id  text collate "C" not null check (length(request_id) between 1 and 128),
    fact        smallint not null check (fact in (1, 2, 3)),  -- 1 request, 2 failed, 3 crashed
    seen_at     timestamptz not null default now(),
    primary key (request_id, fact)
);
-- For the prune on every ingest; now() only grows, so each insert lands on the rightmost leaf.
create index monitoring_drain_requests_seen on public.monitoring_drain_requests (seen_at);
alter table public.monitoring_drain_requests enable row level security;

alter table public.monitoring_traffic_buckets add column failed bigint not null default 0;
-- Buckets written before: their failures as the old rule counted them, at most their requests.
update public.monitoring_traffic_buckets set failed = least(requests, status_5xx + crashes)
where status_5xx + crashes > 0;

alter table public.monitoring_traffic_routes add column last_seen timestamptz not null default now();

create table public.monitoring_traffic_deployments (
    deployment  text primary key check (length(deployment) <= 64),
    first_seen  timestamptz not null default now(),
    last_seen   timestamptz not null default now()
);
alter table public.monitoring_traffic_deployments enable row level security;

revoke all on table public.monitoring_drain_requests, public.monitoring_traffic_deployments
from public;
do $$
declare
    role_name text;
begin
    for role_name in select rolname from pg_roles where rolname in ('anon', 'authenticated') loop
        execute format('revoke all on table public.monitoring_drain_requests, '
                       'public.monitoring_traffic_deployments from %I', role_name);
    end loop;
    if exists (select 1 from pg_roles where rolname = 'service_role') then
        grant select, insert, update, delete on table public.monitoring_drain_requests,
            public.monitoring_traffic_deployments to service_role;
    end if;
end
$$;

-- Slots of one kind ('route' or 'deployment'): idle ones freed, the claimed ones refreshed, new
-- claimed ones admitted while there is room (concurrent deliveries may add one or two more).
-- Refreshes and frees skip rows another delivery holds: its refresh does as well, and no two
-- deliveries wait on each other here.
create function public.monitoring_traffic_slots(
    p_kind text, p_claimed text[], p_max integer, p_idle_days integer
) returns void
language plpgsql volatile as $$
begin
    if p_kind = 'route' then
        delete from public.monitoring_traffic_routes
        where route in (select route from public.monitoring_traffic_routes
                        where last_seen < now() - make_interval(days => p_idle_days)
                        for update skip locked);
        update public.monitoring_traffic_routes set last_seen = now()
        where route in (select route from public.monitoring_traffic_routes
                        where route = any(p_claimed) and last_seen < now() - interval '1 hour'
                        for update skip locked);
        insert into public.monitoring_traffic_routes (route)
        select c from (
            select distinct c from unnest(p_claimed) c
            where not exists (select 1 from public.monitoring_traffic_routes k where k.route = c)
            order by 1
            limit greatest(0, p_max - (select count(*) from public.monitoring_traffic_routes))
        ) n
        on conflict (route) do nothing;
    else
        delete from public.monitoring_traffic_deployments
        where deployment in (select deployment from public.monitoring_traffic_deployments
                             where last_seen < now() - make_interval(days => p_idle_days)
                             for update skip locked);
        update public.monitoring_traffic_deployments set last_seen = now()
        where deployment in (select deployment from public.monitoring_traffic_deployments
                             where deployment = any(p_claimed)
                               and last_seen < now() - interval '1 hour'
                             for update skip locked);
        insert into public.monitoring_traffic_deployments (deployment)
        select c from (
            select distinct c from unnest(p_claimed) c
            where c <> '' and not exists (select 1 from public.monitoring_traffic_deployments k
                                          where k.deployment = c)
            order by 1
            limit greatest(0, p_max - (select count(*) from public.monitoring_traffic_deployments))
        ) n
        on conflict (deployment) do nothing;
    end if;
end
$$;

drop function public.monitoring_traffic_ingest(text, text, integer, jsonb, jsonb, integer);

-- One delivery, all-or-nothing: dedupe the delivery, then its requests, hand out slots, add to
-- the buckets of every grain, prune.
-- p_traffic: bucket rows of records without a request id and of traces, one per grain (summed by
--   the caller). p_requests: {"keys": [[epoch minute, deployment, route], ...],
--   "rows": [[request id, key index, facts (1 request | 2 failed | 4 crashed), status, bytes,
--   cache hit], ...]}, one row per request id of the delivery (its lines merged by the caller).
-- p_claims: {"routes": [...], "deployments": [...]} that may take a slot (not answered only 4xx).
create function public.monitoring_traffic_ingest(
    p_digest text, p_kind text, p_records integer, p_traffic jsonb, p_vitals jsonb,
    p_requests jsonb, p_claims jsonb, p_max_routes integer, p_max_deployments integer,
    p_idle_days integer
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
    perform public.monitoring_traffic_slots(
        'route', array(select jsonb_array_elements_text(coalesce(p_claims -> 'routes', '[]'))),
        p_max_routes, p_idle_days);
    perform public.monitoring_traffic_slots(
        'deployment',
        array(select jsonb_array_elements_text(coalesce(p_claims -> 'deployments', '[]'))),
        p_max_deployments, p_idle_days);

    -- The requests' facts not counted before (by this or an earlier delivery) become bucket
    -- rows of every grain beside the caller's; folding routes and deployments into "other" can
    -- make two rows one, so all are summed here.
    execute format($sql$
        with incoming as (
            select e ->> 0 as request_id, (e ->> 1)::integer as k, (e ->> 2)::integer as facts,
                   (e ->> 3)::integer as status, (e ->> 4)::bigint as bytes,
                   (e ->> 5)::integer as cache_hit
            from jsonb_array_elements(coalesce($2 -> 'rows', '[]')) e
        ), keys as (
            select (k - 1)::integer as k, (e ->> 0)::bigint as minute, e ->> 1 as deployment,
                   e ->> 2 as route
            from jsonb_array_elements(coalesce($2 -> 'keys', '[]')) with ordinality as x(e, k)
        ), counted as (
            insert into public.monitoring_drain_requests (request_id, fact)
            select i.request_id, f.fact from incoming i, (values (1), (2), (3)) f(fact)
            where i.facts & (1 << (f.fact - 1)) <> 0
            order by 1, 2  -- one lock order for concurrent deliveries
            on conflict do nothing
            returning request_id, fact
        ), deltas as (
            select keys.minute, keys.deployment, keys.route,
                   count(*) filter (where c.fact = 1) as requests,
                   count(*) filter (where c.fact = 1 and i.status between 200 and 299) as s2,
                   count(*) filter (where c.fact = 1 and i.status between 300 and 399) as s3,
                   count(*) filter (where c.fact = 1 and i.status between 400 and 499) as s4,
                   count(*) filter (where c.fact = 1 and i.status between 500 and 599) as s5,
                   count(*) filter (where c.fact = 3) as crashes,
                   count(*) filter (where c.fact = 2) as failed,
                   coalesce(sum(i.bytes) filter (where c.fact = 1), 0) as bytes,
                   count(*) filter (where c.fact = 1 and i.cache_hit = 1) as cache_hits
            from counted c
            join incoming i on i.request_id = c.request_id
            join keys on keys.k = i.k
            group by 1, 2, 3
        ), merged as (
            select r.grain, r.at, coalesce(r.deployment, '') as deployment, r.route, r.requests,
                   r.status_2xx, r.status_3xx, r.status_4xx, r.status_5xx, r.crashes,
                   coalesce(r.failed, 0) as failed, r.bytes, r.cache_hits, r.timed,
                   r.duration_ms, r.latency
            from jsonb_to_recordset($1) as r(
                grain text, at timestamptz, deployment text, route text, requests bigint,
                status_2xx bigint, status_3xx bigint, status_4xx bigint, status_5xx bigint,
                crashes bigint, failed bigint, bytes bigint, cache_hits bigint, timed bigint,
                duration_ms double precision, latency bigint[])
            union all
            select g.grain, to_timestamp(d.minute / g.minutes * g.minutes * 60), d.deployment,
                   d.route, d.requests, d.s2, d.s3, d.s4, d.s5, d.crashes, d.failed, d.bytes,
                   d.cache_hits, 0, 0, '{}'::bigint[]
            from deltas d,
                 (values ('minute', 1), ('hour', 60), ('day', 1440)) g(grain, minutes)
        ), rows as (
            select m.grain, m.at,
                   case when m.deployment = '' or dk.deployment is not null then m.deployment
                        else 'other' end as deployment,
                   case when k.route is null then 'other' else m.route end as route,
                   m.requests, m.status_2xx, m.status_3xx, m.status_4xx, m.status_5xx,
                   m.crashes, m.failed, m.bytes, m.cache_hits, m.timed, m.duration_ms, m.latency
            from merged m
            left join public.monitoring_traffic_routes k on k.route = m.route
            left join public.monitoring_traffic_deployments dk on dk.deployment = m.deployment
        )
        insert into public.monitoring_traffic_buckets as t (
            grain, at, deployment, route, requests, status_2xx, status_3xx, status_4xx,
            status_5xx, crashes, failed, bytes, cache_hits, timed, duration_ms, latency)
        select grain, at, deployment, route, sum(requests), sum(status_2xx), sum(status_3xx),
               sum(status_4xx), sum(status_5xx), sum(crashes), sum(failed), sum(bytes),
               sum(cache_hits), sum(timed), sum(duration_ms), %s
        from rows
        group by grain, at, deployment, route
        order by grain, at, deployment, route  -- one lock order for concurrent deliveries
        on conflict (grain, at, deployment, route) do update set
            requests = t.requests + excluded.requests,
            status_2xx = t.status_2xx + excluded.status_2xx,
            status_3xx = t.status_3xx + excluded.status_3xx,
            status_4xx = t.status_4xx + excluded.status_4xx,
            status_5xx = t.status_5xx + excluded.status_5xx,
            crashes = t.crashes + excluded.crashes,
            failed = t.failed + excluded.failed,
            bytes = t.bytes + excluded.bytes,
            cache_hits = t.cache_hits + excluded.cache_hits,
            timed = t.timed + excluded.timed,
            duration_ms = t.duration_ms + excluded.duration_ms,
            latency = public.monitoring_hist_add(t.latency, excluded.latency)
        $sql$, public.monitoring_hist_sums('latency')) using p_traffic, p_requests;
    get diagnostics added = row_count;

    execute format($sql$
        with rows as (
            select date_trunc('hour', r.minute) at, r.metric,
                   case when k.route is null then 'other' else r.route end as page, r.samples, r.hist
            from jsonb_to_recordset($1) as r(minute timestamptz, metric text, route text,
                                             samples bigint, hist bigint[])
            left join public.monitoring_traffic_routes k on k.route = r.route
        )
        insert into public.monitoring_web_vitals_hours as w (at, metric, page, samples, hist)
        select at, metric, page, sum(samples), %s
        from rows
        group by at, metric, page
        order by at, metric, page
        on conflict (at, metric, page) do update set
            samples = w.samples + excluded.samples,
            hist = public.monitoring_hist_add(w.hist, excluded.hist)
        $sql$, public.monitoring_hist_sums('hist')) using p_vitals;
    get diagnostics vitals = row_count;

    -- Buckets older than 35 days go (daily rollups stay in monitoring_daily_metrics). Digests and
    -- request ids are kept a day: Vercel retries a delivery within minutes and a request's lines
    -- are all written within its function's longest run (800 s) and delivered soon after.
    delete from public.monitoring_traffic_buckets
    where grain in ('minute', 'hour', 'day') and at < now() - interval '35 days';
    delete from public.monitoring_web_vitals_hours where at < now() - interval '35 days';
    delete from public.monitoring_drain_deliveries
    where kind in ('log', 'trace', 'speed_insights') and received_at < now() - interval '1 day';
    delete from public.monitoring_drain_requests where seen_at < now() - interval '1 day';
    return jsonb_build_object('duplicate', false, 'buckets', added, 'vitals', vitals);
end
$$;

-- The summary gains the failed requests (after duration_ms, before the histogram).
create or replace function public.monitoring_traffic_summary(
    p_grain text, p_from timestamptz, p_to timestamptz, p_deployment text, p_step_s integer
) returns jsonb
language plpgsql stable
set enable_seqscan = off set max_parallel_workers_per_gather = 0 set jit = off as $$
declare
    found jsonb;
begin
    if p_step_s is null or p_step_s < 1 then
        raise exception 'p_step_s must be a positive number of seconds' using errcode = '22023';
    end if;
    execute format($sql$
        select coalesce(jsonb_agg(jsonb_build_array(
                   case g when 7 then 'all' when 3 then 'time' when 5 then 'route'
                          else 'deployment' end,
                   coalesce(step::text, route, deployment, 'all'),
                   requests, status_4xx, status_5xx, crashes, bytes, cache_hits, timed,
                   duration_ms, failed, latency)), '[]')
        from (select grouping(step, route, deployment) g, step, route, deployment,
                     sum(requests) requests, sum(status_4xx) status_4xx,
                     sum(status_5xx) status_5xx, sum(crashes) crashes, sum(bytes) bytes,
                     sum(cache_hits) cache_hits, sum(timed) timed, sum(duration_ms) duration_ms,
                     sum(failed) failed, %s latency
              from (select *, extract(epoch from at)::bigint / $5 * $5 as step
                    from public.monitoring_traffic_buckets
                    where grain = $1 and at >= $2 and at < $3
                      and ($4::text is null or deployment = $4)) b
              group by grouping sets ((), (step), (route), (deployment))) s
        $sql$, public.monitoring_hist_sums('latency'))
    into found using p_grain, p_from, p_to, p_deployment, p_step_s;
    return found;
end
$$;

-- Share of requests answered without failing (5xx or crashed, once per request).
create or replace function public.monitoring_traffic_availability() returns jsonb
language sql stable set enable_seqscan = off as $$
    select jsonb_object_agg(w.name, (
        select case when sum(requests) > 0
                    then round(100 - 100.0 * least(sum(failed), sum(requests)) / sum(requests), 3)
               end
        from public.monitoring_traffic_buckets
        where grain = w.grain and at >= w.since))
    from (values ('24h', 'hour', date_trunc('hour', now()) - interval '24 hours'),
                 ('7d', 'hour', date_trunc('hour', now()) - interval '7 days'),
                 ('30d', 'day', date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'
                                - interval '30 days')) w(name, grain, since)
$$;

select public.monitoring_restrict_to_service_role(f::regprocedure)
from unnest(array[
    'public.monitoring_traffic_slots(text, text[], integer, integer)',
    'public.monitoring_traffic_ingest(text, text, integer, jsonb, jsonb, jsonb, jsonb, integer, '
    'integer, integer)',
    'public.monitoring_traffic_summary(text, timestamptz, timestamptz, text, integer)',
    'public.monitoring_traffic_availability()'
]) f;
