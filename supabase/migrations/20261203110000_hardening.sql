-- Hardening (issue 17): one row per notification and channel, claimed before it is sent, and cron
-- runs that died while `running` marked `abandoned` at the next start of their job.

-- ---------------------------------------------------------------------------------------------
-- Notifications. A channel's delivery of one notification is one row. A run claims the row with
-- a conditional UPDATE before it sends (only when not sent and not claimed by a live lease), and
-- records the outcome after. A second run that finds the row sent skips it; one that finds it
-- claimed leaves it alone. A duplicate now takes two failures: the send succeeded AND recording
-- it failed (then the lease expires and the next run sends again, with the same idempotency key).
create table public.monitoring_notifications (
    notification_id  text not null check (notification_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    channel          text not null check (channel ~ '^[a-z][a-z0-9_]{0,39}$'),
    rule             text not null,
    event            text not null,
    created_at       timestamptz not null default now(),
    claimed_at       timestamptz,       -- a run is sending it now (lease), null when released
    attempts         integer not null default 0,
    attempted_at     timestamptz,       -- start of the latest attempt
    sent_at          timestamptz,       -- delivered: never sent again
    error            text check (length(error) <= 500),   -- the latest attempt's failure
    primary key (notification_id, channel)
);
create index monitoring_notifications_channel_time
    on public.monitoring_notifications (channel, attempted_at desc);

alter table public.monitoring_notifications enable row level security;

-- Claim (notification, channel) for sending at p_now, creating the row on first sight.
-- Returns {"claimed": true} when this caller may send now; otherwise {"claimed": false,
-- "sent": <already delivered?>} (false + not sent: another run holds a live lease).
create function public.monitoring_notification_claim(
    p_id text, p_channel text, p_rule text, p_event text, p_now timestamptz, p_lease_s integer
) returns jsonb
language plpgsql volatile as $$
declare
    item public.monitoring_notifications;
begin
    insert into public.monitoring_notifications (notification_id, channel, rule, event, created_at)
    values (p_id, p_channel, p_rule, p_event, p_now)
    on conflict (notification_id, channel) do nothing;
    update public.monitoring_notifications n
    set claimed_at = p_now, attempted_at = p_now, attempts = n.attempts + 1
    where n.notification_id = p_id and n.channel = p_channel and n.sent_at is null
      and (n.claimed_at is null or n.claimed_at <= p_now - make_interval(secs => p_lease_s))
    returning * into item;
    if found then
        return jsonb_build_object('claimed', true, 'sent', false, 'attempts', item.attempts);
    end if;
    select * into item from public.monitoring_notifications
    where notification_id = p_id and channel = p_channel;
    return jsonb_build_object('claimed', false, 'sent', item.sent_at is not null,
                              'attempts', item.attempts);
end
$$;

-- Record the outcome of a claimed send: p_error null = delivered. Releases the lease either way.
create function public.monitoring_notification_done(
    p_id text, p_channel text, p_now timestamptz, p_error text
) returns boolean
language sql volatile as $$
    with updated as (
        update public.monitoring_notifications
        set claimed_at = null,
            sent_at = case when p_error is null then p_now else sent_at end,
            error = left(p_error, 500)
        where notification_id = p_id and channel = p_channel
        returning 1
    )
    select exists (select 1 from updated)
$$;

-- The latest attempt on one channel, for the doctor ("last send succeeded"): null when none.
create function public.monitoring_notifications_last(p_channel text) returns jsonb
language sql stable as $$
    select jsonb_build_object('sent_at', sent_at, 'error', error, 'attempted_at', attempted_at,
                              'attempts', attempts, 'rule', rule, 'event', event)
    from public.monitoring_notifications
    where channel = p_channel and attempted_at is not null
    order by attempted_at desc
    limit 1
$$;

-- Rows older than p_before are pruned with the checks (delivered or given up long ago).
create function public.monitoring_prune_notifications(p_before timestamptz) returns integer
language sql volatile as $$
    with deleted as (
        delete from public.monitoring_notifications where created_at < p_before returning 1
    )
    select count(*)::integer from deleted
$$;

-- ---------------------------------------------------------------------------------------------
-- Cron runs. A function killed by its maxDuration (or a database kill) never calls finish: its
-- run stays `running` forever. The next start of the same job marks such runs `abandoned`.
alter table public.monitoring_cron_runs drop constraint monitoring_cron_runs_outcome_check;
alter table public.monitoring_cron_runs add constraint monitoring_cron_runs_outcome_check
    check (outcome in ('running', 'success', 'failure', 'abandoned'));

drop function public.monitoring_cron_start(text);

-- Start a run of p_job; first mark its runs still `running` after p_max_duration_s abandoned.
create function public.monitoring_cron_start(p_job text, p_max_duration_s integer default 60)
returns bigint
language plpgsql volatile as $$
declare
    run_id bigint;
begin
    update public.monitoring_cron_runs
    set outcome = 'abandoned', finished_at = now(),
        error = 'abandoned: still running after its maxDuration (' || p_max_duration_s || ' s)'
    where job = p_job and outcome = 'running'
      and started_at < now() - make_interval(secs => greatest(p_max_duration_s, 1));
    insert into public.monitoring_cron_runs (job) values (p_job) returning id into run_id;
    return run_id;
end
$$;

-- Per job: as before, plus how many runs were abandoned in the last 7 days.
drop function public.monitoring_cron_status();
create function public.monitoring_cron_status() returns jsonb
language sql stable as $$
    select coalesce(jsonb_object_agg(job, jsonb_build_object(
               'last_started_at', last_started_at, 'last_success_at', last_success_at,
               'last_outcome', last_outcome, 'last_error', last_error,
               'abandoned_7d', abandoned_7d)), '{}'::jsonb)
    from (
        select job,
               max(started_at) as last_started_at,
               max(finished_at) filter (where outcome = 'success') as last_success_at,
               (array_agg(outcome order by started_at desc))[1] as last_outcome,
               (array_agg(error order by started_at desc))[1] as last_error,
               count(*) filter (where outcome = 'abandoned'
                                  and started_at >= now() - interval '7 days') as abandoned_7d
        from public.monitoring_cron_runs group by job
    ) jobs
$$;

-- ---------------------------------------------------------------------------------------------
-- Privileges as in the store migration: only service_role (and the owner).
do $$
declare
    fn regprocedure;
    role_name text;
begin
    for fn in
        select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public' and p.proname in (
            'monitoring_notification_claim', 'monitoring_notification_done',
            'monitoring_notifications_last', 'monitoring_prune_notifications',
            'monitoring_cron_start', 'monitoring_cron_status')
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
        execute format('revoke all on table public.monitoring_notifications from %I', role_name);
    end loop;
    if exists (select 1 from pg_roles where rolname = 'service_role') then
        grant select, insert, update, delete on table public.monitoring_notifications
            to service_role;
    end if;
end
$$;
