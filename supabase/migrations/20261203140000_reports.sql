-- Reports (issue 14): alert history as events, the stored weekly/monthly reports, and the
-- read functions a report needs (one round trip per section at most).
-- Deliberately not idempotent (no IF NOT EXISTS), like the first migration.

-- ---------------------------------------------------------------------------------------------
-- Alert history. One row per transition of a monitoring_alerts row, written by a trigger, so it
-- commits or rolls back with the compare-and-set that wins the transition (monitoring_alert_cas
-- is unchanged). `episode_start` is the row's `since` of the firing episode the event belongs to:
-- grouping by (rule, episode_start) gives the episodes without pairing events in order.
create table public.monitoring_alert_events (
    id             bigint generated always as identity primary key,
    rule           text not null,
    kind           text not null check (kind in ('fired', 'reminded', 'resolved', 'silenced')),
    severity       text not null,
    at             timestamptz not null default now(),
    episode_start  timestamptz not null,
    value          double precision,
    threshold      double precision,
    message        text
);
create index monitoring_alert_events_at on public.monitoring_alert_events (at);
create index monitoring_alert_events_episode on public.monitoring_alert_events (rule, episode_start);
alter table public.monitoring_alert_events enable row level security;

-- The threshold is not a column of monitoring_alerts; the notification the engine queued in
-- `pending` carries it (null when nothing was queued, e.g. no notifier configured).
create function public.monitoring_alert_threshold(p_pending jsonb) returns double precision
language sql immutable as $$
    select (p_pending -> 'items' -> -1 -> 'notification' ->> 'threshold')::double precision
$$;

-- Which transition a new row version is, read from its columns alone:
--   ok/new → firing, notified in the same write (last_notified_at >= since): fired
--   ok/new → firing, not notified (the engine muted it: maintenance):        silenced
--   firing → firing, first notification of a muted episode (after maintenance): fired
--   firing → firing, last_notified_at moved on an announced episode:          reminded
--   firing → ok:                                                              resolved
create function public.monitoring_alert_event() returns trigger
language plpgsql as $$
declare
    kind text;
    episode timestamptz := new.since;
    moment timestamptz := new.since;  -- the engine's clock, not the database's
    announced_now boolean := new.last_notified_at is not null and new.last_notified_at >= new.since;
    announced_before boolean := tg_op = 'UPDATE' and old.last_notified_at is not null
                                and old.last_notified_at >= old.since;
begin
    if new.state = 'firing' and (tg_op = 'INSERT' or old.state <> 'firing' or old.since <> new.since) then
        kind := case when announced_now then 'fired' else 'silenced' end;
    elsif tg_op = 'UPDATE' and new.state = 'firing' and old.state = 'firing'
          and new.last_notified_at is distinct from old.last_notified_at and announced_now then
        kind := case when announced_before then 'reminded' else 'fired' end;
        moment := new.last_notified_at;
    elsif tg_op = 'UPDATE' and new.state = 'ok' and old.state = 'firing' then
        kind := 'resolved';
        episode := old.since;
    else
        return null;
    end if;
    insert into public.monitoring_alert_events
        (rule, kind, severity, at, episode_start, value, threshold, message)
    values (new.rule, kind, new.severity, moment, episode, new.last_value,
            public.monitoring_alert_threshold(new.pending), new.message);
    return null;
end
$$;

create trigger monitoring_alert_history after insert or update on public.monitoring_alerts
    for each row execute function public.monitoring_alert_event();

-- Episodes that overlap [p_from, p_to): one per (rule, episode_start), newest first.
create function public.monitoring_alert_episodes(p_from timestamptz, p_to timestamptz)
returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(to_jsonb(e) order by e.started_at desc, e.rule), '[]'::jsonb)
    from (
        select ev.rule,
               (array_agg(ev.severity order by ev.id desc))[1] as severity,
               ev.episode_start as started_at,
               max(ev.at) filter (where ev.kind = 'resolved') as ended_at,
               (array_agg(ev.value order by ev.id desc)
                   filter (where ev.kind <> 'resolved'))[1] as value,
               (array_agg(ev.threshold order by ev.id desc)
                   filter (where ev.threshold is not null))[1] as threshold,
               (array_agg(ev.message order by ev.id desc)
                   filter (where ev.kind <> 'resolved'))[1] as message,
               (array_agg(ev.message order by ev.id desc)
                   filter (where ev.kind = 'resolved'))[1] as resolution,
               bool_or(ev.kind = 'silenced') as silenced,
               count(*) filter (where ev.kind = 'reminded') as reminders
        from public.monitoring_alert_events ev
        where ev.episode_start < p_to
        group by ev.rule, ev.episode_start
        having max(ev.at) filter (where ev.kind = 'resolved') is null
            or max(ev.at) filter (where ev.kind = 'resolved') >= p_from
    ) e
$$;

-- ---------------------------------------------------------------------------------------------
-- Stored reports: one row per (kind, period). The send columns make "e-mail once" a
-- compare-and-set: a run sends only after claiming the row (lease), then records the outcome.
create table public.monitoring_reports (
    kind             text not null check (kind in ('weekly', 'monthly')),
    period           text not null check (period ~ '^\d{4}-(W\d{2}|\d{2})$'),
    generated_at     timestamptz not null default now(),
    headline         text not null,
    body             jsonb not null,
    sent_at          timestamptz,
    email_id         text,
    send_claimed_at  timestamptz,
    send_attempts    integer not null default 0,
    send_error       text,
    primary key (kind, period)
);
alter table public.monitoring_reports enable row level security;

-- Store (or replace) a period's report; the send state is kept (a rebuild does not resend).
create function public.monitoring_report_save(p_kind text, p_period text, p_headline text,
                                              p_body jsonb) returns jsonb
language sql volatile as $$
    insert into public.monitoring_reports as r (kind, period, headline, body, generated_at)
    values (p_kind, p_period, p_headline, p_body, now())
    on conflict (kind, period) do update
        set headline = excluded.headline, body = excluded.body, generated_at = excluded.generated_at
    returning jsonb_build_object('kind', kind, 'period', period, 'sent_at', sent_at,
                                 'send_attempts', send_attempts)
$$;

-- One stored report (p_period null: the latest period of that kind), or null.
create function public.monitoring_report_get(p_kind text, p_period text default null)
returns jsonb
language sql stable as $$
    select to_jsonb(r) - 'send_claimed_at' from public.monitoring_reports r
    where r.kind = p_kind and (p_period is null or r.period = p_period)
    order by r.period desc limit 1
$$;

-- Claim the right to e-mail a period: true for exactly one caller while unsent (or p_force:
-- resend on purpose) and not claimed by a run within the last p_lease_s seconds.
create function public.monitoring_report_claim_send(p_kind text, p_period text, p_force boolean,
                                                    p_lease_s integer) returns boolean
language sql volatile as $$
    with claimed as (
        update public.monitoring_reports
        set send_claimed_at = now(), send_attempts = send_attempts + 1
        where kind = p_kind and period = p_period
          and (sent_at is null or p_force)
          and (send_claimed_at is null or send_claimed_at < now() - make_interval(secs => p_lease_s))
        returning 1
    )
    select exists (select 1 from claimed)
$$;

-- Record the outcome of a claimed send and release the claim.
create function public.monitoring_report_sent(p_kind text, p_period text, p_email_id text,
                                              p_error text) returns boolean
language sql volatile as $$
    with updated as (
        update public.monitoring_reports
        set send_claimed_at = null,
            sent_at = case when p_error is null then now() else sent_at end,
            email_id = case when p_error is null then p_email_id else email_id end,
            send_error = left(p_error, 300)
        where kind = p_kind and period = p_period
        returning 1
    )
    select exists (select 1 from updated)
$$;

-- Periods of a kind still to e-mail (a failed send is retried by the next run), oldest first.
create function public.monitoring_reports_unsent(p_kind text) returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(period order by period), '[]'::jsonb)
    from (select period from public.monitoring_reports
          where kind = p_kind and sent_at is null order by period desc limit 6) p
$$;

-- ---------------------------------------------------------------------------------------------
-- Report data, one round trip each.

-- Every daily metric row in [p_from, p_to]: {"metric": [{"day", "value"}...]}.
create function public.monitoring_report_metrics(p_from date, p_to date) returns jsonb
language sql stable as $$
    select coalesce(jsonb_object_agg(metric, points), '{}'::jsonb)
    from (select metric, jsonb_agg(jsonb_build_object('day', day, 'value', value) order by day)
                     as points
          from public.monitoring_daily_metrics where day between p_from and p_to
          group by metric) m
$$;

-- Probe uptime ("overall" of monitoring_uptime) over several windows: p_windows =
-- [{"key", "from", "to"}] → {"key": {checks, failed, uptime_pct, ...}}.
create function public.monitoring_report_uptime(p_windows jsonb) returns jsonb
language sql stable as $$
    select coalesce(jsonb_object_agg(w ->> 'key',
               public.monitoring_uptime((w ->> 'from')::timestamptz, (w ->> 'to')::timestamptz)
                   -> 'overall'), '{}'::jsonb)
    from jsonb_array_elements(p_windows) w
$$;

-- Configured count sources over windows, in one call: p_counts = [{"key", "table", "column",
-- "filter_column", "filter_value", "from", "to"}] → {"key": count | null (table missing)}.
create function public.monitoring_report_counts(p_counts jsonb) returns jsonb
language sql stable as $$
    select coalesce(jsonb_object_agg(c ->> 'key', public.monitoring_count_rows(
               c ->> 'table', c ->> 'column', (c ->> 'from')::timestamptz, (c ->> 'to')::timestamptz,
               c ->> 'filter_column', c ->> 'filter_value')), '{}'::jsonb)
    from jsonb_array_elements(p_counts) c
$$;

-- Retention: distinct ids active in [p_prev_from, p_from) that are active again in [p_from, p_to).
-- Null when the table or a column does not exist.
create function public.monitoring_report_retention(
    p_table text, p_id_column text, p_column text,
    p_prev_from timestamptz, p_from timestamptz, p_to timestamptz
) returns jsonb
language plpgsql stable as $$
declare
    relation regclass := to_regclass(format('public.%I', p_table));
    result jsonb;
begin
    if relation is null or (select count(*) from pg_attribute
                            where attrelid = relation and not attisdropped
                              and attname in (p_id_column, p_column)) < 2 then
        return null;
    end if;
    execute format($q$
        with before as (select distinct %1$I as id from %2$s where %3$I >= $1 and %3$I < $2),
             now_ as (select distinct %1$I as id from %2$s where %3$I >= $2 and %3$I < $3)
        select jsonb_build_object('previous', (select count(*) from before),
                                  'current', (select count(*) from now_),
                                  'retained', (select count(*) from before join now_ using (id)))
    $q$, p_id_column, relation, p_column) into result using p_prev_from, p_from, p_to;
    return result;
end
$$;

-- Cron runs per job over a window (technical debt, missing-data notes).
create function public.monitoring_report_cron_runs(p_from timestamptz, p_to timestamptz)
returns jsonb
language sql stable as $$
    select coalesce(jsonb_object_agg(job, jsonb_build_object('runs', runs, 'failures', failures)),
                    '{}'::jsonb)
    from (select job, count(*) as runs, count(*) filter (where outcome = 'failure') as failures
          from public.monitoring_cron_runs where started_at >= p_from and started_at < p_to
          group by job) j
$$;

-- The status page's summary plus its incident history (the episodes of the same days), still one
-- statement for /api/status. The endpoint publishes only resolved episodes' rule and times.
create function public.monitoring_status_summary_with_incidents(
    p_now timestamptz, p_timezone text, p_history_days integer default 90
) returns jsonb
language sql stable as $$
    select public.monitoring_status_summary(p_now, p_timezone, p_history_days)
           || jsonb_build_object('resolved', public.monitoring_alert_episodes(
                  p_now - make_interval(days => greatest(p_history_days, 1)), p_now))
$$;

-- ---------------------------------------------------------------------------------------------
-- Privileges, as in the first migration: service_role only.
do $$
declare
    fn regprocedure;
    role_name text;
begin
    for fn in
        select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'public'
          and p.proname in ('monitoring_alert_threshold', 'monitoring_alert_event',
                            'monitoring_alert_episodes', 'monitoring_report_save',
                            'monitoring_report_get', 'monitoring_report_claim_send',
                            'monitoring_report_sent', 'monitoring_reports_unsent',
                            'monitoring_report_metrics', 'monitoring_report_uptime',
                            'monitoring_report_counts', 'monitoring_report_retention',
                            'monitoring_report_cron_runs',
                            'monitoring_status_summary_with_incidents')
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
        execute format('revoke all on table public.monitoring_alert_events, '
                       'public.monitoring_reports from %I', role_name);
        execute format('revoke all on sequence %s from %I',
                       pg_get_serial_sequence('public.monitoring_alert_events', 'id'), role_name);
    end loop;
    if exists (select 1 from pg_roles where rolname = 'service_role') then
        grant select, insert, update, delete on table public.monitoring_alert_events,
            public.monitoring_reports to service_role;
        grant usage on sequence monitoring_alert_events_id_seq to service_role;
    end if;
end
$$;
