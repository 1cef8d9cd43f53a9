-- CarBot Monitor store: the monitor's own tables and every operation it performs, as SQL functions.
-- Both transports (supabase-py RPC through PostgREST, and a direct Postgres connection) call the
-- same functions, so they return the same JSON. Applies on plain PostgreSQL 15+ and on Supabase.
-- Deliberately not idempotent (no IF NOT EXISTS): applying it twice fails and rolls back whole.

create table public.monitoring_health_checks (
    id          bigint generated always as identity primary key,
    checked_at  timestamptz not null default now(),
    service     text not null check (service ~ '^[a-z][a-z0-9_]{0,39}$'),
    status      text not null check (status in ('ok', 'degraded', 'down')),
    latency_ms  integer check (latency_ms >= 0),
    reason      text check (length(reason) <= 200)
);
-- Per-service "latest check" and window scans; plain time index for pruning and overall uptime.
create index monitoring_health_checks_service_time on public.monitoring_health_checks (service, checked_at desc);
create index monitoring_health_checks_time on public.monitoring_health_checks (checked_at);

create table public.monitoring_daily_metrics (
    day          date not null,
    metric       text not null check (metric ~ '^[a-z][a-z0-9_]{0,63}$'),
    value        double precision not null,
    unit         text not null,
    computed_at  timestamptz not null default now(),
    primary key (day, metric)
);
create index monitoring_daily_metrics_metric_day on public.monitoring_daily_metrics (metric, day);

create table public.monitoring_alerts (
    rule              text primary key,
    state             text not null default 'ok' check (state in ('ok', 'firing')),
    severity          text not null default 'warning' check (severity in ('critical', 'warning', 'info')),
    since             timestamptz not null default now(),
    last_notified_at  timestamptz,
    last_value        double precision,
    message           text,
    pending           jsonb,            -- a notification that still has to be delivered (retry)
    version           bigint not null default 1,   -- compare-and-set token
    updated_at        timestamptz not null default now()
);

create table public.monitoring_cron_runs (
    id           bigint generated always as identity primary key,
    job          text not null check (job ~ '^[a-z][a-z0-9_]{0,39}$'),
    started_at   timestamptz not null default now(),
    finished_at  timestamptz,
    outcome      text not null default 'running' check (outcome in ('running', 'success', 'failure')),
    error        text,
    summary      jsonb
);
create index monitoring_cron_runs_job_time on public.monitoring_cron_runs (job, started_at desc);

alter table public.monitoring_health_checks enable row level security;
alter table public.monitoring_daily_metrics enable row level security;
alter table public.monitoring_alerts enable row level security;
alter table public.monitoring_cron_runs enable row level security;

-- ---------------------------------------------------------------------------------------------
-- Operations. Every function returns jsonb (or a scalar) so both transports see the same JSON.

create function public.monitoring_ping() returns integer
language sql stable as $$ select 1 $$;

-- Insert one row per service: p_checks = [{"service","status","latency_ms","reason","checked_at"?}].
create function public.monitoring_record_checks(p_checks jsonb) returns integer
language sql volatile as $$
    with inserted as (
        insert into public.monitoring_health_checks (checked_at, service, status, latency_ms, reason)
        select coalesce((c ->> 'checked_at')::timestamptz, now()),
               c ->> 'service', c ->> 'status', (c ->> 'latency_ms')::integer, c ->> 'reason'
        from jsonb_array_elements(p_checks) as c
        returning 1
    )
    select count(*)::integer from inserted
$$;

-- Upsert daily metrics all-or-nothing (one statement): p_rows = [{"day","metric","value","unit"}].
create function public.monitoring_upsert_daily_metrics(p_rows jsonb) returns integer
language sql volatile as $$
    with upserted as (
        insert into public.monitoring_daily_metrics as m (day, metric, value, unit, computed_at)
        select (r ->> 'day')::date, r ->> 'metric', (r ->> 'value')::double precision,
               r ->> 'unit', now()
        from jsonb_array_elements(p_rows) as r
        on conflict (day, metric) do update
            set value = excluded.value, unit = excluded.unit, computed_at = excluded.computed_at
        returning 1
    )
    select count(*)::integer from upserted
$$;

-- Days in [p_from, p_to] that have at least one metric row (to find missed days).
create function public.monitoring_metric_days(p_from date, p_to date) returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(distinct day order by day), '[]'::jsonb)
    from public.monitoring_daily_metrics where day between p_from and p_to
$$;

-- One metric's series over [p_from, p_to]: [{"day","value","unit"}].
create function public.monitoring_metric_series(p_metric text, p_from date, p_to date) returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(jsonb_build_object('day', day, 'value', value, 'unit', unit)
                              order by day), '[]'::jsonb)
    from public.monitoring_daily_metrics
    where metric = p_metric and day between p_from and p_to
$$;

-- Every metric of one day: {"metric": value, ...}.
create function public.monitoring_metrics_of_day(p_day date) returns jsonb
language sql stable as $$
    select coalesce(jsonb_object_agg(metric, value), '{}'::jsonb)
    from public.monitoring_daily_metrics where day = p_day
$$;

-- Uptime and latency per service over [p_from, p_to), plus "overall" across all services.
-- uptime_pct counts degraded as up (it answered); failed = down.
create function public.monitoring_uptime(p_from timestamptz, p_to timestamptz) returns jsonb
language sql stable as $$
    with w as (
        select service, status, latency_ms from public.monitoring_health_checks
        where checked_at >= p_from and checked_at < p_to
    ), per as (
        select coalesce(service, 'overall') as service,
               count(*) as checks,
               count(*) filter (where status <> 'down') as up,
               count(*) filter (where status = 'down') as failed,
               avg(latency_ms) filter (where status <> 'down') as avg_ms,
               percentile_cont(0.95) within group (order by latency_ms)
                   filter (where status <> 'down') as p95_ms
        from w group by grouping sets ((service), ())
    )
    select coalesce(jsonb_object_agg(service, jsonb_build_object(
               'checks', checks, 'failed', failed,
               'uptime_pct', case when checks > 0 then round(100.0 * up / checks, 3) end,
               'avg_latency_ms', round(avg_ms::numeric, 1),
               'p95_latency_ms', round(p95_ms::numeric, 1))), '{}'::jsonb)
    from per where checks > 0
$$;

-- The latest stored check of every service.
create function public.monitoring_latest_checks() returns jsonb
language sql stable as $$
    select coalesce(jsonb_object_agg(service, jsonb_build_object(
               'status', status, 'latency_ms', latency_ms, 'reason', reason,
               'checked_at', checked_at)), '{}'::jsonb)
    from (
        select distinct on (service) service, status, latency_ms, reason, checked_at
        from public.monitoring_health_checks
        order by service, checked_at desc
    ) latest
$$;

-- Checks of one service since a time, oldest first (rule evaluation over a streak).
create function public.monitoring_checks_since(p_service text, p_since timestamptz) returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(jsonb_build_object(
               'checked_at', checked_at, 'status', status, 'latency_ms', latency_ms,
               'reason', reason) order by checked_at), '[]'::jsonb)
    from public.monitoring_health_checks
    where service = p_service and checked_at >= p_since
$$;

-- Start of the current failure streak of a service: first 'down' after its last non-down
-- check (null when the latest check is not down). Works at any check frequency.
create function public.monitoring_down_since(p_service text) returns timestamptz
language sql stable as $$
    select case when (select status from public.monitoring_health_checks
                      where service = p_service order by checked_at desc limit 1) = 'down'
           then (select min(checked_at) from public.monitoring_health_checks
                 where service = p_service and status = 'down'
                   and checked_at > coalesce((select max(checked_at)
                                              from public.monitoring_health_checks
                                              where service = p_service and status <> 'down'),
                                             '-infinity'))
           end
$$;

create function public.monitoring_prune_checks(p_before timestamptz) returns integer
language sql volatile as $$
    with deleted as (
        delete from public.monitoring_health_checks where checked_at < p_before returning 1
    )
    select count(*)::integer from deleted
$$;

-- All alert rows.
create function public.monitoring_alerts_list() returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(to_jsonb(a) order by a.rule), '[]'::jsonb)
    from public.monitoring_alerts a
$$;

-- Compare-and-set one alert row. p_expected_version 0 means "the row must not exist yet".
-- p_patch may set: state, severity, since, last_notified_at, last_value, message, pending.
-- Returns the new row, or null when another run changed it first (the caller lost the race).
create function public.monitoring_alert_cas(p_rule text, p_expected_version bigint, p_patch jsonb)
returns jsonb
language plpgsql volatile as $$
declare
    result public.monitoring_alerts;
begin
    if p_expected_version = 0 then
        insert into public.monitoring_alerts as a (rule, state, severity, since, last_notified_at,
                                                  last_value, message, pending)
        values (p_rule,
                coalesce(p_patch ->> 'state', 'ok'),
                coalesce(p_patch ->> 'severity', 'warning'),
                coalesce((p_patch ->> 'since')::timestamptz, now()),
                (p_patch ->> 'last_notified_at')::timestamptz,
                (p_patch ->> 'last_value')::double precision,
                p_patch ->> 'message',
                case when p_patch ? 'pending' and jsonb_typeof(p_patch -> 'pending') <> 'null'
                     then p_patch -> 'pending' end)
        on conflict (rule) do nothing
        returning * into result;
    else
        update public.monitoring_alerts as a set
            state = case when p_patch ? 'state' then p_patch ->> 'state' else a.state end,
            severity = case when p_patch ? 'severity' then p_patch ->> 'severity' else a.severity end,
            since = case when p_patch ? 'since' then (p_patch ->> 'since')::timestamptz else a.since end,
            last_notified_at = case when p_patch ? 'last_notified_at'
                                    then (p_patch ->> 'last_notified_at')::timestamptz
                                    else a.last_notified_at end,
            last_value = case when p_patch ? 'last_value'
                              then (p_patch ->> 'last_value')::double precision else a.last_value end,
            message = case when p_patch ? 'message' then p_patch ->> 'message' else a.message end,
            pending = case when p_patch ? 'pending'
                           then nullif(p_patch -> 'pending', 'null'::jsonb) else a.pending end,
            version = a.version + 1,
            updated_at = now()
        where a.rule = p_rule and a.version = p_expected_version
        returning * into result;
    end if;
    return case when result.rule is null then null else to_jsonb(result) end;
end
$$;

-- Cron bookkeeping: start returns the run id; finish records outcome, error and summary.
create function public.monitoring_cron_start(p_job text) returns bigint
language sql volatile as $$
    insert into public.monitoring_cron_runs (job) values (p_job) returning id
$$;

create function public.monitoring_cron_finish(p_id bigint, p_outcome text, p_error text,
                                              p_summary jsonb) returns boolean
language sql volatile as $$
    with updated as (
        update public.monitoring_cron_runs
        set finished_at = now(), outcome = p_outcome, error = left(p_error, 500), summary = p_summary
        where id = p_id returning 1
    )
    select exists (select 1 from updated)
$$;

-- Per job: last run, last success, last outcome (the monitor watching its own crons).
create function public.monitoring_cron_status() returns jsonb
language sql stable as $$
    select coalesce(jsonb_object_agg(job, jsonb_build_object(
               'last_started_at', last_started_at, 'last_success_at', last_success_at,
               'last_outcome', last_outcome, 'last_error', last_error)), '{}'::jsonb)
    from (
        select job,
               max(started_at) as last_started_at,
               max(finished_at) filter (where outcome = 'success') as last_success_at,
               (array_agg(outcome order by started_at desc))[1] as last_outcome,
               (array_agg(error order by started_at desc))[1] as last_error
        from public.monitoring_cron_runs group by job
    ) jobs
$$;

-- Rows of a CarBot table in [p_from, p_to), counted in SQL (never fetched: PostgREST caps rows).
-- Identifiers are quoted with format(%I); an optional equality filter narrows the rows.
-- Returns null when the table or a column does not exist.
create function public.monitoring_count_rows(
    p_table text, p_column text, p_from timestamptz, p_to timestamptz,
    p_filter_column text default null, p_filter_value text default null
) returns bigint
language plpgsql stable as $$
declare
    relation regclass := to_regclass(format('public.%I', p_table));
    result bigint;
begin
    if relation is null or not exists (
        select 1 from pg_attribute where attrelid = relation and attname = p_column and not attisdropped
    ) or (p_filter_column is not null and not exists (
        select 1 from pg_attribute where attrelid = relation and attname = p_filter_column
                                     and not attisdropped)) then
        return null;
    end if;
    if p_filter_column is null then
        execute format('select count(*) from %s where %I >= $1 and %I < $2', relation, p_column, p_column)
            into result using p_from, p_to;
    else
        execute format('select count(*) from %s where %I >= $1 and %I < $2 and %I::text = $3',
                       relation, p_column, p_column, p_filter_column)
            into result using p_from, p_to, p_filter_value;
    end if;
    return result;
end
$$;

-- Database statistics for /api/health/database and the daily resource metrics.
-- Slow queries come from pg_stat_statements when that extension is installed (mean > p_slow_ms).
create function public.monitoring_database_stats(p_slow_ms double precision default 2000)
returns jsonb
language plpgsql stable as $$
declare
    stats_schema text;
    slow jsonb := '[]'::jsonb;
begin
    select n.nspname into stats_schema
    from pg_extension e join pg_namespace n on n.oid = e.extnamespace
    where e.extname = 'pg_stat_statements';
    if stats_schema is not null then
        execute format($q$
            select coalesce(jsonb_agg(jsonb_build_object(
                       'query', left(query, 200), 'mean_ms', round(mean_exec_time::numeric, 1),
                       'calls', calls) order by mean_exec_time desc), '[]'::jsonb)
            from (select query, mean_exec_time, calls from %I.pg_stat_statements
                  where mean_exec_time > $1 and dbid = (select oid from pg_database
                                                        where datname = current_database())
                  order by mean_exec_time desc limit 10) s
        $q$, stats_schema) into slow using p_slow_ms;
    end if;
    return jsonb_build_object(
        'connection_count', (select count(*) from pg_stat_activity where datname = current_database()),
        'max_connections', current_setting('max_connections')::integer,
        'storage_bytes', pg_database_size(current_database()),
        'pg_stat_statements', stats_schema is not null,
        'slow_queries', slow,
        'largest_tables', (
            select coalesce(jsonb_agg(jsonb_build_object('table', relname, 'bytes', bytes)
                                      order by bytes desc), '[]'::jsonb)
            from (select c.relname, pg_total_relation_size(c.oid) as bytes
                  from pg_class c join pg_namespace n on n.oid = c.relnamespace
                  where n.nspname = 'public' and c.relkind in ('r', 'p', 'm')
                  order by pg_total_relation_size(c.oid) desc limit 5) t)
    );
end
$$;

-- ---------------------------------------------------------------------------------------------
-- Privileges: nobody but service_role (and the owner) may touch the monitor's tables or functions.
-- New functions are executable by PUBLIC by default, and Supabase grants anon/authenticated
-- everything on new tables in public by default: revoke both explicitly.
do $$
declare
    fn regprocedure;
    role_name text;
    monitor_tables text := 'public.monitoring_health_checks, public.monitoring_daily_metrics, '
                           'public.monitoring_alerts, public.monitoring_cron_runs';
begin
    for fn in
        select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.proname like 'monitoring\_%'
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
        execute format('revoke all on table %s from %I', monitor_tables, role_name);
        execute format('revoke all on sequence %s, %s from %I',
                       pg_get_serial_sequence('public.monitoring_health_checks', 'id'),
                       pg_get_serial_sequence('public.monitoring_cron_runs', 'id'), role_name);
    end loop;
    if exists (select 1 from pg_roles where rolname = 'service_role') then
        execute format('grant select, insert, update, delete on table %s to service_role',
                       monitor_tables);
        grant usage on schema public to service_role;
    end if;
end
$$;
