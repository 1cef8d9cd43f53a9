-- Deployments keep what Vercel's "Webhooks API Reference" documents beside the commit: the
-- aliases to assign (`payload.alias`, deployment.created), the project (`payload.project.id`),
-- the acting user (`payload.user.id`) and the regions (`payload.regions`).
-- Columns only: the table keeps its RLS (20261203130000) and the function its grants
-- (create or replace keeps them; restated below for the record).

alter table public.monitoring_deployments
    add column alias      jsonb,                     -- ["carbot.de", ...] or null when not sent
    add column project_id text check (length(project_id) <= 200),
    add column user_id    text check (length(user_id) <= 200),
    add column regions    jsonb;                     -- ["fra1", ...] or null when not sent

-- As in 20261203130000, plus the four fields; p_event.deployment may carry "alias",
-- "project_id", "user_id", "regions". A field an event does not carry keeps its stored value.
create or replace function public.monitoring_vercel_event(p_event jsonb) returns jsonb
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
        created_at, ready_at, promoted_at, error_at, canceled_at, timeline,
        alias, project_id, user_id, regions)
    values (
        d ->> 'id', d ->> 'url', d ->> 'name', d ->> 'inspect_url',
        coalesce(d ->> 'target', 'preview'), coalesce(new_state, 'building'), at,
        d ->> 'sha', d ->> 'message', d ->> 'author', d ->> 'branch', at,
        case when new_state = 'ready' then at end,
        case when kind = 'deployment.promoted' then at end,
        case when new_state = 'error' then at end,
        case when new_state = 'canceled' then at end,
        jsonb_build_array(jsonb_build_object('type', kind, 'at', at, 'event', p_event ->> 'id')),
        nullif(d -> 'alias', 'null'::jsonb), d ->> 'project_id', d ->> 'user_id',
        nullif(d -> 'regions', 'null'::jsonb))
    on conflict (id) do update set
        url = coalesce(excluded.url, m.url),
        name = coalesce(excluded.name, m.name),
        inspect_url = coalesce(excluded.inspect_url, m.inspect_url),
        target = case when d ? 'target' then excluded.target else m.target end,
        sha = coalesce(excluded.sha, m.sha),
        message = coalesce(excluded.message, m.message),
        author = coalesce(excluded.author, m.author),
        branch = coalesce(excluded.branch, m.branch),
        alias = coalesce(excluded.alias, m.alias),
        project_id = coalesce(excluded.project_id, m.project_id),
        user_id = coalesce(excluded.user_id, m.user_id),
        regions = coalesce(excluded.regions, m.regions),
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

select public.monitoring_restrict_to_service_role('public.monitoring_vercel_event(jsonb)'::regprocedure);
