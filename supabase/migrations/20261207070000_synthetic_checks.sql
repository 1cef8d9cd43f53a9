-- Synthetic checks of CarBot and heartbeats of its jobs (issue 27, SPEC §14).
-- A check's results are rows of monitoring_health_checks named `check:<name>`, beside the probes;
-- its daily figures are metrics named `check_uptime_pct:<name>` and `check_p95_ms:<name>`.
alter table public.monitoring_health_checks
    drop constraint monitoring_health_checks_service_check;
alter table public.monitoring_health_checks
    add constraint monitoring_health_checks_service_check
    check (service ~ '^[a-z][a-z0-9_]{0,39}$' or service ~ '^check:[a-z][a-z0-9_-]{0,39}$');
alter table public.monitoring_daily_metrics
    drop constraint monitoring_daily_metrics_metric_check;
alter table public.monitoring_daily_metrics
    add constraint monitoring_daily_metrics_metric_check
    check (metric ~ '^[a-z][a-z0-9_]{0,63}$'
           or metric ~ '^check_[a-z0-9_]{1,23}:[a-z][a-z0-9_-]{0,39}$');

-- One row per heartbeat: what its job last reported (a ping never adds rows).
create table public.monitoring_heartbeats (
    name text primary key check (name ~ '^[a-z][a-z0-9_-]{0,39}$'),
    last_ping_at timestamptz,
    last_kind text check (last_kind in ('success', 'start', 'fail')),
    last_success_at timestamptz,
    last_fail_at timestamptz,
    last_exit_code integer check (last_exit_code between 0 and 255),
    started_at timestamptz,  -- a /start not yet followed by a success or failure
    last_duration_ms bigint check (last_duration_ms >= 0),
    fail_body text check (length(fail_body) <= 10240),  -- the first 10 kB of the last /fail
    pings bigint not null default 0
);

-- Pings per token digest and minute (known and unknown tokens alike: the answer never tells).
create table public.monitoring_ping_limits (
    key text primary key check (length(key) = 64),
    window_start timestamptz not null,
    count integer not null
);
create index monitoring_ping_limits_window on public.monitoring_ping_limits (window_start);

alter table public.monitoring_heartbeats enable row level security;
alter table public.monitoring_ping_limits enable row level security;
do $$
declare
    role_name text;
begin
    for role_name in select rolname from pg_roles where rolname in ('anon', 'authenticated') loop
        execute format('revoke all on table public.monitoring_heartbeats, '
                       'public.monitoring_ping_limits from %I', role_name);
    end loop;
    if exists (select 1 from pg_roles where rolname = 'service_role') then
        grant select, insert, update, delete on table public.monitoring_heartbeats,
            public.monitoring_ping_limits to service_role;
    end if;
end
$$;

-- One ping in one call: count it against its token's minute (p_key, a digest), and, when within
-- p_limit and the token is a heartbeat's (p_name), record it. 'ok' or 'limited'.
create or replace function public.monitoring_heartbeat_ping(
    p_key text, p_name text, p_kind text, p_exit_code integer, p_body text,
    p_now timestamptz, p_limit integer
) returns text
language plpgsql volatile as $$
declare
    used integer;
begin
    delete from public.monitoring_ping_limits where window_start < p_now - interval '5 minutes';
    insert into public.monitoring_ping_limits as l (key, window_start, count)
    values (p_key, p_now, 1)
    on conflict (key) do update set
        window_start = case when l.window_start <= p_now - interval '1 minute'
                            then p_now else l.window_start end,
        count = case when l.window_start <= p_now - interval '1 minute' then 1 else l.count + 1 end
    returning count into used;
    if used > p_limit then
        return 'limited';
    end if;
    if p_name is null then
        return 'ok';
    end if;
    insert into public.monitoring_heartbeats as h
        (name, last_ping_at, last_kind, last_success_at, last_fail_at, last_exit_code, started_at,
         fail_body, pings)
    values (p_name, p_now, p_kind,
            case when p_kind = 'success' then p_now end,
            case when p_kind = 'fail' then p_now end,
            p_exit_code,
            case when p_kind = 'start' then p_now end,
            case when p_kind = 'fail' then left(p_body, 10240) end,
            1)
    on conflict (name) do update set
        last_ping_at = p_now,
        last_kind = p_kind,
        last_success_at = case when p_kind = 'success' then p_now else h.last_success_at end,
        last_fail_at = case when p_kind = 'fail' then p_now else h.last_fail_at end,
        last_exit_code = case when p_kind = 'start' then h.last_exit_code else p_exit_code end,
        -- a run's duration: from its /start to the success or failure that ends it
        last_duration_ms = case
            when p_kind <> 'start' and h.started_at is not null and h.started_at <= p_now
            then (extract(epoch from p_now - h.started_at) * 1000)::bigint
            else h.last_duration_ms end,
        started_at = case when p_kind = 'start' then p_now else null end,
        fail_body = case when p_kind = 'fail' then left(p_body, 10240) else h.fail_body end,
        pings = h.pings + 1;
    return 'ok';
end
$$;

select public.monitoring_restrict_to_service_role(
    'public.monitoring_heartbeat_ping(text, text, text, integer, text, timestamptz, integer)'::regprocedure);

-- Every heartbeat's row: {name: {last_ping_at, ...}}.
create or replace function public.monitoring_heartbeat_states() returns jsonb
language sql stable as $$
    select coalesce(jsonb_object_agg(name, to_jsonb(h) - 'name'), '{}'::jsonb)
    from public.monitoring_heartbeats h
$$;

select public.monitoring_restrict_to_service_role(
    'public.monitoring_heartbeat_states()'::regprocedure);

-- The latest result of every service named p_prefix*, the start of its current failure streak
-- and its last failure: {service: {status, reason, checked_at, down_since, last_down_at}} in one call
-- (the runner skips checks not yet due; check_down judges streaks).
create or replace function public.monitoring_check_states(p_prefix text) returns jsonb
language sql stable as $$
    with services as (
        select distinct service from public.monitoring_health_checks
        where starts_with(service, p_prefix)
    ), latest as (
        select s.service, l.status, l.reason, l.checked_at,
               (select max(checked_at) from public.monitoring_health_checks u
                where u.service = s.service and u.status <> 'down') as last_up_at,
               (select max(checked_at) from public.monitoring_health_checks d
                where d.service = s.service and d.status = 'down') as last_down_at
        from services s
        cross join lateral (
            select status, reason, checked_at from public.monitoring_health_checks h
            where h.service = s.service order by checked_at desc limit 1
        ) l
    )
    select coalesce(jsonb_object_agg(service, jsonb_build_object(
        'status', status, 'reason', reason, 'checked_at', checked_at, 'last_down_at', last_down_at,
        'down_since', case when status = 'down' then (
            select min(checked_at) from public.monitoring_health_checks d
            where d.service = latest.service and d.status = 'down'
              and d.checked_at > coalesce(latest.last_up_at, '-infinity')) end)), '{}'::jsonb)
    from latest
$$;

select public.monitoring_restrict_to_service_role(
    'public.monitoring_check_states(text)'::regprocedure);
