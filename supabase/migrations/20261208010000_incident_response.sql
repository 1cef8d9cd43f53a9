-- Incident response (issue 25, SPEC §12): an alert episode can be acknowledged (who, when, a
-- note) and escalates through levels. Both live on the alert row and are written by the one
-- transition writer, monitoring_alert_transition, with their history event:
--   acknowledged    someone is on it: no reminders, no further escalation this episode
--   unacknowledged  the acknowledgement was taken back: reminders and escalation resume
--   escalated       the episode reached the next level of the escalation policy
-- `level` is the highest escalation level notified in the current episode (0: none yet).

alter table public.monitoring_alerts
    add column acknowledged_at timestamptz,
    add column acknowledged_by text check (length(acknowledged_by) <= 80),
    add column level integer not null default 0 check (level between 0 and 20);

alter table public.monitoring_alert_events
    add column actor text check (length(actor) <= 80),
    add column note text check (length(note) <= 500),
    add column level integer check (level between 0 and 20);

alter table public.monitoring_alert_events drop constraint monitoring_alert_events_kind_check;
alter table public.monitoring_alert_events add constraint monitoring_alert_events_kind_check
    check (kind in ('firing', 'reminder', 'resolved', 'silenced',
                    'acknowledged', 'unacknowledged', 'escalated'));

-- As before, plus acknowledged_at, acknowledged_by (a JSON null clears them) and level.
create or replace function public.monitoring_alert_cas(p_rule text, p_expected_version bigint,
                                                       p_patch jsonb)
returns jsonb
language plpgsql volatile as $$
declare
    result public.monitoring_alerts;
begin
    if p_expected_version = 0 then
        insert into public.monitoring_alerts as a (rule, state, severity, since, last_notified_at,
                                                  last_value, message, pending, level)
        values (p_rule,
                coalesce(p_patch ->> 'state', 'ok'),
                coalesce(p_patch ->> 'severity', 'warning'),
                coalesce((p_patch ->> 'since')::timestamptz, now()),
                (p_patch ->> 'last_notified_at')::timestamptz,
                (p_patch ->> 'last_value')::double precision,
                p_patch ->> 'message',
                case when p_patch ? 'pending' and jsonb_typeof(p_patch -> 'pending') <> 'null'
                     then p_patch -> 'pending' end,
                coalesce((p_patch ->> 'level')::integer, 0))
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
            acknowledged_at = case when p_patch ? 'acknowledged_at'
                                   then (p_patch ->> 'acknowledged_at')::timestamptz
                                   else a.acknowledged_at end,
            acknowledged_by = case when p_patch ? 'acknowledged_by'
                                   then p_patch ->> 'acknowledged_by' else a.acknowledged_by end,
            level = case when p_patch ? 'level' then (p_patch ->> 'level')::integer else a.level end,
            version = a.version + 1,
            updated_at = now()
        where a.rule = p_rule and a.version = p_expected_version
        returning * into result;
    end if;
    return case when result.rule is null then null else to_jsonb(result) end;
end
$$;

select public.monitoring_restrict_to_service_role(
    'public.monitoring_alert_cas(text, bigint, jsonb)'::regprocedure);

-- As before; the event may also carry {actor, note, level}.
create or replace function public.monitoring_alert_transition(p_rule text, p_expected_version bigint,
                                                              p_patch jsonb, p_event jsonb default null)
returns jsonb
language plpgsql volatile as $$
declare
    result jsonb := public.monitoring_alert_cas(p_rule, p_expected_version, p_patch);
begin
    if result is not null and jsonb_typeof(p_event) = 'object' then
        insert into public.monitoring_alert_events
            (rule, kind, severity, at, episode_start, value, threshold, message, actor, note, level)
        values (p_rule, p_event ->> 'kind', result ->> 'severity',
                (p_event ->> 'at')::timestamptz, (p_event ->> 'episode_start')::timestamptz,
                (result ->> 'last_value')::double precision,
                (p_event ->> 'threshold')::double precision, result ->> 'message',
                p_event ->> 'actor', p_event ->> 'note', (p_event ->> 'level')::integer);
    end if;
    return result;
end
$$;

select public.monitoring_restrict_to_service_role(
    'public.monitoring_alert_transition(text, bigint, jsonb, jsonb)'::regprocedure);

-- Episodes as before, plus the acknowledgement in force (the latest acknowledged/unacknowledged
-- event decides), the first acknowledgement (time to acknowledge) and the level reached.
create or replace function public.monitoring_alert_episodes(p_from timestamptz, p_to timestamptz)
returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(to_jsonb(e) order by e.started_at desc, e.rule), '[]'::jsonb)
    from (
        select ev.rule,
               (array_agg(ev.severity order by ev.id desc))[1] as severity,
               ev.episode_start as started_at,
               max(ev.at) filter (where ev.kind = 'resolved') as ended_at,
               (array_agg(ev.value order by ev.id desc)
                   filter (where ev.kind not in ('resolved', 'acknowledged', 'unacknowledged')))[1]
                   as value,
               (array_agg(ev.threshold order by ev.id desc)
                   filter (where ev.threshold is not null))[1] as threshold,
               (array_agg(ev.message order by ev.id desc)
                   filter (where ev.kind not in ('resolved', 'acknowledged', 'unacknowledged')))[1]
                   as message,
               (array_agg(ev.message order by ev.id desc)
                   filter (where ev.kind = 'resolved'))[1] as resolution,
               bool_or(ev.kind = 'silenced') as silenced,
               count(*) filter (where ev.kind = 'reminder') as reminders,
               case when (array_agg(ev.kind order by ev.id desc)
                              filter (where ev.kind in ('acknowledged', 'unacknowledged')))[1]
                         = 'acknowledged'
                    then (array_agg(ev.at order by ev.id desc)
                              filter (where ev.kind = 'acknowledged'))[1] end as acknowledged_at,
               case when (array_agg(ev.kind order by ev.id desc)
                              filter (where ev.kind in ('acknowledged', 'unacknowledged')))[1]
                         = 'acknowledged'
                    then (array_agg(ev.actor order by ev.id desc)
                              filter (where ev.kind = 'acknowledged'))[1] end as acknowledged_by,
               min(ev.at) filter (where ev.kind = 'acknowledged') as first_acknowledged_at,
               coalesce(max(ev.level), case when bool_or(ev.kind = 'firing') then 1 else 0 end)
                   as level
        from public.monitoring_alert_events ev
        where ev.episode_start < p_to
        group by ev.rule, ev.episode_start
        having max(ev.at) filter (where ev.kind = 'resolved') is null
            or max(ev.at) filter (where ev.kind = 'resolved') >= p_from
    ) e
$$;

select public.monitoring_restrict_to_service_role(
    'public.monitoring_alert_episodes(timestamptz, timestamptz)'::regprocedure);
