-- Deployments (Vercel account webhooks) and provider status (vendors' public status pages).
-- Same conventions as 20261127120000_monitoring_store.sql: RLS on, no policies, every operation
-- one SQL function returning JSON, executable by service_role only.

-- Every webhook delivery, once per Vercel event id (Vercel retries a delivery until it gets a 2xx).
create table public.monitoring_vercel_events (
    id             text primary key check (length(id) between 1 and 200),
    type           text not null check (type ~ '^[a-z][a-z0-9._-]{0,79}$'),
    created_at     timestamptz not null,            -- the event's own createdAt
    received_at    timestamptz not null default now(),
    deployment_id  text,
    payload        jsonb not null                   -- the normalized fields we read (no secrets)
);
create index monitoring_vercel_events_type_time on public.monitoring_vercel_events (type, created_at desc);

-- One row per deployment: what payload.deployment(.meta) says about it, and its state timeline.
create table public.monitoring_deployments (
    id           text primary key check (length(id) between 1 and 200),
    url          text,
    name         text,
    inspect_url  text,                               -- payload.links.deployment (Vercel dashboard)
    target       text not null default 'preview',    -- production | preview | staging | custom
    state        text not null check (state in ('building', 'ready', 'error', 'canceled')),
    state_at     timestamptz not null,               -- createdAt of the event that set `state`
    sha          text,
    message      text,
    author       text,
    branch       text,
    created_at   timestamptz not null,
    ready_at     timestamptz,
    promoted_at  timestamptz,
    error_at     timestamptz,
    canceled_at  timestamptz,
    timeline     jsonb not null default '[]'::jsonb, -- [{"type", "at", "event"}] in arrival order
    updated_at   timestamptz not null default now()
);
create index monitoring_deployments_target_time on public.monitoring_deployments (target, created_at desc);

-- The latest fetched status of each provider (replaced on every refresh).
create table public.monitoring_provider_status (
    provider    text primary key check (provider ~ '^[a-z][a-z0-9_]{0,39}$'),
    kind        text not null check (kind in ('statuspage', 'feed')),
    checked_at  timestamptz not null,
    ok          boolean not null,                    -- false: the status page itself failed
    indicator   text,                                -- none | minor | major | critical | maintenance
    description text,
    error       text check (length(error) <= 200),
    incidents   jsonb not null default '[]'::jsonb   -- open incidents [{name, status, ...}]
);

-- One row: when the last provider refresh started (the throttle two cron runs share).
create table public.monitoring_provider_refresh (
    id          boolean primary key default true check (id),
    started_at  timestamptz not null
);

alter table public.monitoring_vercel_events enable row level security;
alter table public.monitoring_deployments enable row level security;
alter table public.monitoring_provider_status enable row level security;
alter table public.monitoring_provider_refresh enable row level security;

-- ---------------------------------------------------------------------------------------------
-- Record one webhook event; p_event = {"id", "type", "created_at", "payload",
-- "deployment": {"id", "url", "name", "inspect_url", "target", "sha", "message", "author",
-- "branch"} | null}. A repeated id changes nothing and returns {"stored": false}.
-- The deployment's state follows the newest state event (by createdAt), so a late retry of
-- `deployment.created` never turns a finished deployment back into `building`.
create function public.monitoring_vercel_event(p_event jsonb) returns jsonb
language plpgsql volatile as $$
declare
    d jsonb := p_event -> 'deployment';
    kind text := p_event ->> 'type';
    at timestamptz := (p_event ->> 'created_at')::timestamptz;
    new_state text;
begin
    insert into public.monitoring_vercel_events (id, type, created_at, deployment_id, payload)
    values (p_event ->> 'id', kind, at, d ->> 'id', coalesce(p_event -> 'payload', '{}'::jsonb))
    on conflict (id) do nothing;
    if not found then
        return jsonb_build_object('stored', false);
    end if;
    if d is null or jsonb_typeof(d) <> 'object' or d ->> 'id' is null then
        return jsonb_build_object('stored', true);
    end if;
    new_state := case kind
        when 'deployment.created' then 'building'
        when 'deployment.succeeded' then 'ready'
        when 'deployment.promoted' then 'ready'
        when 'deployment.error' then 'error'
        when 'deployment.canceled' then 'canceled'
    end;
    insert into public.monitoring_deployments as m (
        id, url, name, inspect_url, target, state, state_at, sha, message, author, branch,
        created_at, ready_at, promoted_at, error_at, canceled_at, timeline)
    values (
        d ->> 'id', d ->> 'url', d ->> 'name', d ->> 'inspect_url',
        coalesce(d ->> 'target', 'preview'), coalesce(new_state, 'building'), at,
        d ->> 'sha', d ->> 'message', d ->> 'author', d ->> 'branch', at,
        case when new_state = 'ready' then at end,
        case when kind = 'deployment.promoted' then at end,
        case when new_state = 'error' then at end,
        case when new_state = 'canceled' then at end,
        jsonb_build_array(jsonb_build_object('type', kind, 'at', at, 'event', p_event ->> 'id')))
    on conflict (id) do update set
        url = coalesce(excluded.url, m.url),
        name = coalesce(excluded.name, m.name),
        inspect_url = coalesce(excluded.inspect_url, m.inspect_url),
        target = case when d ? 'target' then excluded.target else m.target end,
        sha = coalesce(excluded.sha, m.sha),
        message = coalesce(excluded.message, m.message),
        author = coalesce(excluded.author, m.author),
        branch = coalesce(excluded.branch, m.branch),
        created_at = least(m.created_at, excluded.created_at),
        state = case when new_state is not null and at >= m.state_at then new_state else m.state end,
        state_at = case when new_state is not null and at >= m.state_at then at else m.state_at end,
        ready_at = coalesce(m.ready_at, excluded.ready_at),
        promoted_at = greatest(m.promoted_at, excluded.promoted_at),
        error_at = coalesce(m.error_at, excluded.error_at),
        canceled_at = coalesce(m.canceled_at, excluded.canceled_at),
        timeline = m.timeline || excluded.timeline,
        updated_at = now();
    return jsonb_build_object('stored', true);
end
$$;

-- Deployments newest first; p_target null = every target. Contract: lib/deployments.
create function public.monitoring_recent_deployments(p_target text, p_limit integer) returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(to_jsonb(d) - 'timeline' - 'state_at' - 'updated_at'
                              order by d.created_at desc, d.id), '[]'::jsonb)
    from (select * from public.monitoring_deployments
          where p_target is null or target = p_target
          order by created_at desc, id limit greatest(1, least(p_limit, 100))) d
$$;

-- One deployment with its timeline (null when unknown).
create function public.monitoring_deployment(p_id text) returns jsonb
language sql stable as $$
    select to_jsonb(d) from public.monitoring_deployments d where d.id = p_id
$$;

-- Events of some types with createdAt in [p_since, now), newest first (event rules).
-- p_types: a JSON array of event types (both transports send lists as JSON).
create function public.monitoring_vercel_events_since(p_types jsonb, p_since timestamptz)
returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(jsonb_build_object('id', id, 'type', type, 'created_at', created_at,
                                                 'payload', payload)
                              order by created_at desc), '[]'::jsonb)
    from public.monitoring_vercel_events
    where type in (select jsonb_array_elements_text(p_types)) and created_at >= p_since
$$;

-- Daily counts of deployments created in [p_from, p_to): per target bucket
-- ("production" and everything else as "preview"), by final state.
create function public.monitoring_deployment_counts(p_from timestamptz, p_to timestamptz)
returns jsonb
language sql stable as $$
    select jsonb_object_agg(bucket, counts) from (
        select b.bucket, jsonb_build_object(
                   'total', count(d.id),
                   'ready', count(d.id) filter (where d.state = 'ready'),
                   'error', count(d.id) filter (where d.state = 'error'),
                   'canceled', count(d.id) filter (where d.state = 'canceled')) as counts
        from (values ('production'), ('preview')) as b(bucket)
        left join public.monitoring_deployments d
            on (case when d.target = 'production' then 'production' else 'preview' end) = b.bucket
           and d.created_at >= p_from and d.created_at < p_to
        group by b.bucket
    ) per_bucket
$$;

-- Claim the provider refresh: true for exactly one caller per p_interval_s (two overlapping
-- health-check runs fetch the status pages once).
create function public.monitoring_provider_claim(p_now timestamptz, p_interval_s integer)
returns boolean
language plpgsql volatile as $$
begin
    insert into public.monitoring_provider_refresh as r (id, started_at) values (true, p_now)
    on conflict (id) do update set started_at = excluded.started_at
    where r.started_at <= p_now - make_interval(secs => p_interval_s);
    return found;
end
$$;

-- Replace the stored provider statuses with p_rows = [{provider, kind, checked_at, ok,
-- indicator, description, error, incidents}]; providers not in p_rows (switched off) are removed.
-- A provider whose page failed (ok = false) keeps its last known incidents.
create function public.monitoring_provider_record(p_rows jsonb) returns integer
language plpgsql volatile as $$
declare
    n integer;
begin
    delete from public.monitoring_provider_status
    where provider not in (select r ->> 'provider' from jsonb_array_elements(p_rows) r);
    insert into public.monitoring_provider_status as s
        (provider, kind, checked_at, ok, indicator, description, error, incidents)
    select r ->> 'provider', r ->> 'kind', (r ->> 'checked_at')::timestamptz,
           (r ->> 'ok')::boolean, r ->> 'indicator', r ->> 'description', left(r ->> 'error', 200),
           coalesce(r -> 'incidents', '[]'::jsonb)
    from jsonb_array_elements(p_rows) r
    on conflict (provider) do update set
        kind = excluded.kind, checked_at = excluded.checked_at, ok = excluded.ok,
        error = excluded.error,
        indicator = case when excluded.ok then excluded.indicator else s.indicator end,
        description = case when excluded.ok then excluded.description else s.description end,
        incidents = case when excluded.ok then excluded.incidents else s.incidents end;
    get diagnostics n = row_count;
    return n;
end
$$;

-- Every stored provider status.
create function public.monitoring_provider_statuses() returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(to_jsonb(s) order by s.provider), '[]'::jsonb)
    from public.monitoring_provider_status s
$$;

-- ---------------------------------------------------------------------------------------------
-- Privileges, as in the first migration: service_role only.
do $$
declare
    fn regprocedure;
    role_name text;
    new_tables text := 'public.monitoring_vercel_events, public.monitoring_deployments, '
                       'public.monitoring_provider_status, public.monitoring_provider_refresh';
begin
    for fn in
        select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.proname in (
            'monitoring_vercel_event', 'monitoring_recent_deployments', 'monitoring_deployment',
            'monitoring_vercel_events_since', 'monitoring_deployment_counts',
            'monitoring_provider_claim', 'monitoring_provider_record',
            'monitoring_provider_statuses')
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
