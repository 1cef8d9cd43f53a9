-- One transition writer (issue 24): the engine decides each alert transition once and writes the
-- alert row and its history event in one call, monitoring_alert_transition. The trigger that
-- decided the transition a second time from the row (reading the threshold out of the queued
-- notification's JSON) is gone, and the history speaks the notifications' words:
--   firing    an episode announced (a new one, or a muted one once its maintenance ended)
--   reminder  a reminder of an announced episode
--   resolved  the episode ended
--   silenced  an episode began muted (maintenance) or was recorded without a notification
-- Rows written before this migration ('fired', 'reminded') are rewritten to these words.

drop trigger monitoring_alert_history on public.monitoring_alerts;
drop function public.monitoring_alert_event();
drop function public.monitoring_alert_threshold(jsonb);

alter table public.monitoring_alert_events drop constraint monitoring_alert_events_kind_check;
update public.monitoring_alert_events
    set kind = case kind when 'fired' then 'firing' else 'reminder' end
    where kind in ('fired', 'reminded');
alter table public.monitoring_alert_events add constraint monitoring_alert_events_kind_check
    check (kind in ('firing', 'reminder', 'resolved', 'silenced'));

-- Compare-and-set one alert row (monitoring_alert_cas) and, when it wins and p_event is given,
-- insert the event in the same transaction: {kind, at, episode_start, threshold}. Severity,
-- value and message are the written row's. Returns the new row, or null (another run won).
create function public.monitoring_alert_transition(p_rule text, p_expected_version bigint,
                                                   p_patch jsonb, p_event jsonb default null)
returns jsonb
language plpgsql volatile as $$
declare
    result jsonb := public.monitoring_alert_cas(p_rule, p_expected_version, p_patch);
begin
    if result is not null and jsonb_typeof(p_event) = 'object' then
        insert into public.monitoring_alert_events
            (rule, kind, severity, at, episode_start, value, threshold, message)
        values (p_rule, p_event ->> 'kind', result ->> 'severity',
                (p_event ->> 'at')::timestamptz, (p_event ->> 'episode_start')::timestamptz,
                (result ->> 'last_value')::double precision,
                (p_event ->> 'threshold')::double precision, result ->> 'message');
    end if;
    return result;
end
$$;

select public.monitoring_restrict_to_service_role(
    'public.monitoring_alert_transition(text, bigint, jsonb, jsonb)'::regprocedure);

-- Episodes that overlap [p_from, p_to), as before, in the one vocabulary.
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
                   filter (where ev.kind <> 'resolved'))[1] as value,
               (array_agg(ev.threshold order by ev.id desc)
                   filter (where ev.threshold is not null))[1] as threshold,
               (array_agg(ev.message order by ev.id desc)
                   filter (where ev.kind <> 'resolved'))[1] as message,
               (array_agg(ev.message order by ev.id desc)
                   filter (where ev.kind = 'resolved'))[1] as resolution,
               bool_or(ev.kind = 'silenced') as silenced,
               count(*) filter (where ev.kind = 'reminder') as reminders
        from public.monitoring_alert_events ev
        where ev.episode_start < p_to
        group by ev.rule, ev.episode_start
        having max(ev.at) filter (where ev.kind = 'resolved') is null
            or max(ev.at) filter (where ev.kind = 'resolved') >= p_from
    ) e
$$;

select public.monitoring_restrict_to_service_role(
    'public.monitoring_alert_episodes(timestamptz, timestamptz)'::regprocedure);
