-- Histograms summed in the database, per element, with one sum() per bucket bound.
-- The traffic migration summed bigint[] histograms by unnesting them into (group, index) rows
-- and grouping those: a 4 MB delivery's 601 bucket rows became 40,000 rows sorted by text
-- keys (230 of the 290 ms its ingest took), and /api/traffic shipped every bucket row to Python
-- to add them up there. `sum(latency[i])` for each of the 67 bounds (lib/drains/histogram.py N)
-- is a plain aggregate: the same delivery is written in ~40 ms and a 30-day window of 50 route
-- groups is summed per day, route and deployment in ~20 ms (bench/bench_drains.py).

-- The select-list expression summing a histogram column element by element into a bigint[].
-- 67 is lib/drains/histogram.py N: other bounds need a new migration and a conversion of the rows.
create function public.monitoring_hist_sums(p_column text) returns text
language sql immutable parallel safe as $$
    select 'array[' || string_agg(format('coalesce(sum(%I[%s]), 0)', p_column, i), ', ' order by i)
           || ']::bigint[]'
    from generate_series(1, 67) i
$$;

-- Two histograms added element by element (a shorter one counts as zeros).
create or replace function public.monitoring_hist_add(a bigint[], b bigint[]) returns bigint[]
language sql immutable parallel safe as $$
    select array(select coalesce(a[i], 0) + coalesce(b[i], 0)
                 from generate_series(1, greatest(cardinality(a), cardinality(b))) i)
$$;

-- One delivery, all-or-nothing: dedupe, route groups, add to the buckets of every grain, prune.
create or replace function public.monitoring_traffic_ingest(
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
    -- rows one, so they are summed here.
    execute format($sql$
        with rows as (
            select r.grain, r.at, coalesce(r.deployment, '') as deployment,
                   case when k.route is null then 'other' else r.route end as route,
                   r.requests, r.status_2xx, r.status_3xx, r.status_4xx, r.status_5xx, r.crashes,
                   r.bytes, r.cache_hits, r.timed, r.duration_ms, r.latency
            from jsonb_to_recordset($1) as r(
                grain text, at timestamptz, deployment text, route text, requests bigint,
                status_2xx bigint, status_3xx bigint, status_4xx bigint, status_5xx bigint,
                crashes bigint, bytes bigint, cache_hits bigint, timed bigint,
                duration_ms double precision, latency bigint[])
            left join public.monitoring_traffic_routes k on k.route = r.route
        )
        insert into public.monitoring_traffic_buckets as t (
            grain, at, deployment, route, requests, status_2xx, status_3xx, status_4xx,
            status_5xx, crashes, bytes, cache_hits, timed, duration_ms, latency)
        select grain, at, deployment, route, sum(requests), sum(status_2xx), sum(status_3xx),
               sum(status_4xx), sum(status_5xx), sum(crashes), sum(bytes), sum(cache_hits),
               sum(timed), sum(duration_ms), %s
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
            bytes = t.bytes + excluded.bytes,
            cache_hits = t.cache_hits + excluded.cache_hits,
            timed = t.timed + excluded.timed,
            duration_ms = t.duration_ms + excluded.duration_ms,
            latency = public.monitoring_hist_add(t.latency, excluded.latency)
        $sql$, public.monitoring_hist_sums('latency')) using p_traffic;
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

    -- Buckets older than 35 days go (daily rollups stay in monitoring_daily_metrics); Vercel
    -- retries within minutes, so a day of digests is plenty. Naming every grain and kind lets
    -- the deletes use the primary key and the (kind, received_at) index instead of a scan.
    delete from public.monitoring_traffic_buckets
    where grain in ('minute', 'hour', 'day') and at < now() - interval '35 days';
    delete from public.monitoring_web_vitals_hours where at < now() - interval '35 days';
    delete from public.monitoring_drain_deliveries
    where kind in ('log', 'trace', 'speed_insights') and received_at < now() - interval '1 day';
    return jsonb_build_object('duplicate', false, 'buckets', added, 'vitals', vitals);
end
$$;

-- One grain's buckets in [p_from, p_to) summed four ways in one pass: in all, per p_step_s
-- seconds ("time", the key is the step's start in epoch seconds), per route and per deployment.
-- Each row: [grouping, key, requests, 4xx, 5xx, crashes, bytes, cache hits, timed,
-- duration_ms, histogram].
create function public.monitoring_traffic_summary(
    p_grain text, p_from timestamptz, p_to timestamptz, p_deployment text, p_step_s integer
) returns jsonb
-- Always a narrow range of the primary key's prefix (grain, at), a few thousand rows at most; the
-- planner's estimate mixes the grains (a day of minute rows shares the hour rows' times) and
-- would pick a seq scan, parallel workers (15 ms to start) or JIT (longer to compile 67 sums
-- than to run them).
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
                   duration_ms, latency)), '[]')
        from (select grouping(step, route, deployment) g, step, route, deployment,
                     sum(requests) requests, sum(status_4xx) status_4xx,
                     sum(status_5xx) status_5xx, sum(crashes) crashes, sum(bytes) bytes,
                     sum(cache_hits) cache_hits, sum(timed) timed, sum(duration_ms) duration_ms,
                     %s latency
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

-- Samples and summed histogram per metric over [p_from, p_to).
create or replace function public.monitoring_web_vitals_window(p_from timestamptz, p_to timestamptz)
returns jsonb
language plpgsql stable as $$
declare
    found jsonb;
begin
    execute format($sql$
        select coalesce(jsonb_object_agg(metric, jsonb_build_object('samples', samples,
                                                                    'hist', to_jsonb(hist))), '{}')
        from (select metric, sum(samples) samples, %s hist
              from public.monitoring_web_vitals_hours where at >= $1 and at < $2
              group by metric) m
        $sql$, public.monitoring_hist_sums('hist'))
    into found using p_from, p_to;
    return found;
end
$$;

-- Minute buckets older than p_before go ([traffic] minute_days; the health check calls it):
-- the hour and day grains answer everything older, and a busy month of minute rows is ~1M.
create function public.monitoring_prune_traffic_minutes(p_before timestamptz) returns integer
language sql volatile as $$
    with deleted as (
        delete from public.monitoring_traffic_buckets
        where grain = 'minute' and at < p_before returning 1
    )
    select count(*)::integer from deleted
$$;

-- /api/traffic and the rules read monitoring_traffic_summary now.
drop function public.monitoring_traffic_rows(text, timestamptz, timestamptz, text);

-- Only service_role (and the owner) may call a monitor function: the grant block every earlier
-- migration spelled out, once, for the migrations to come. It runs with its caller's rights, so
-- it can only hand out what the caller (the migration's owner) already may.
create function public.monitoring_restrict_to_service_role(p_function regprocedure) returns void
language plpgsql volatile as $$
declare
    role_name text;
begin
    execute format('revoke all on function %s from public', p_function);
    for role_name in select rolname from pg_roles where rolname in ('anon', 'authenticated') loop
        execute format('revoke all on function %s from %I', p_function, role_name);
    end loop;
    if exists (select 1 from pg_roles where rolname = 'service_role') then
        execute format('grant execute on function %s to service_role', p_function);
    end if;
end
$$;

select public.monitoring_restrict_to_service_role(f::regprocedure)
from unnest(array[
    'public.monitoring_restrict_to_service_role(regprocedure)',
    'public.monitoring_hist_sums(text)',
    'public.monitoring_prune_traffic_minutes(timestamptz)',
    'public.monitoring_traffic_summary(text, timestamptz, timestamptz, text, integer)'
]) f;
