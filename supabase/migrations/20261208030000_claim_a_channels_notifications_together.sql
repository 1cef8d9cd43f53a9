-- One claim for all the notifications a run sends on one channel as one update (a provider
-- incident's grouped alerts): the rows are inserted and locked in id order in one statement, so
-- of two overlapping runs the first takes every one of them and the second none, and an update
-- is never split between the runs (two e-mails for one incident). Replaces the one-at-a-time
-- monitoring_notification_claim.

create function public.monitoring_notification_claims(
    p_items jsonb, p_channel text, p_now timestamptz, p_lease_s integer
) returns jsonb
language plpgsql volatile as $$
declare
    result jsonb;
begin
    insert into public.monitoring_notifications (notification_id, channel, rule, event, created_at)
    select i ->> 'id', p_channel, i ->> 'rule', i ->> 'event', p_now
    from jsonb_array_elements(p_items) i
    order by i ->> 'id'
    on conflict (notification_id, channel) do nothing;

    with items as (
        select i ->> 'id' as id from jsonb_array_elements(p_items) i
    ), locked as (
        select n.notification_id
        from public.monitoring_notifications n
        join items on items.id = n.notification_id
        where n.channel = p_channel
        order by n.notification_id
        for update of n
    ), claimed as (
        update public.monitoring_notifications n
        set claimed_at = p_now, attempted_at = p_now, attempts = n.attempts + 1
        from locked
        where n.notification_id = locked.notification_id and n.channel = p_channel
          and n.sent_at is null
          and (n.claimed_at is null or n.claimed_at <= p_now - make_interval(secs => p_lease_s))
        returning n.notification_id, n.attempts
    )
    select coalesce(jsonb_object_agg(n.notification_id, jsonb_build_object(
               'claimed', c.notification_id is not null,
               'sent', n.sent_at is not null,
               'attempts', coalesce(c.attempts, n.attempts))), '{}'::jsonb)
    into result
    from public.monitoring_notifications n
    join items on items.id = n.notification_id
    left join claimed c on c.notification_id = n.notification_id
    where n.channel = p_channel;
    return result;
end
$$;

select public.monitoring_restrict_to_service_role(
    'public.monitoring_notification_claims(jsonb, text, timestamptz, integer)'::regprocedure);

drop function public.monitoring_notification_claim(text, text, text, text, timestamptz, integer);
