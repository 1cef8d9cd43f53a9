-- Status communication (issue 26, SPEC §13): incidents written by people and announced
-- maintenance (one table, `kind`), e-mail and webhook subscribers, the rate limits of the
-- subscribe form, and the delivery claims that send each update once per subscriber.

create table public.monitoring_status_events (
    id text primary key,
    kind text not null check (kind in ('incident', 'maintenance')),
    version integer not null default 1,                 -- optimistic concurrency of PATCH
    published boolean not null default false,
    status text not null,                               -- incident status; maintenance: scheduled | cancelled
    impact text not null default 'none',
    title jsonb not null,                               -- {"de": ..., "en": ...}
    message jsonb,                                      -- maintenance: what happens
    components jsonb not null default '[]'::jsonb,      -- [{"id": ..., "impact": ...}]
    updates jsonb not null default '[]'::jsonb,         -- [{"at", "status", "message": {de, en}}]
    postmortem jsonb,
    source text,                                        -- the alert key a draft was made from
    starts_at timestamptz,
    ends_at timestamptz,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    resolved_at timestamptz,
    published_at timestamptz
);
create index monitoring_status_events_recent on public.monitoring_status_events (updated_at desc);

-- Only the address (or a webhook URL), the confirmation time and the choices; the
-- confirmation time of the last mail bounds confirmation mails to one a day per address.
create table public.monitoring_status_subscribers (
    id bigint generated always as identity primary key,
    email text unique check (email = lower(email)),
    webhook_url text unique,
    language text not null default 'de' check (language in ('de', 'en')),
    components jsonb,                                   -- null: every component
    confirmed_at timestamptz,
    confirmation_sent_at timestamptz,
    created_at timestamptz not null,
    check ((email is null) <> (webhook_url is null))
);

-- Hits of the subscribe form by keyed hash of the address and by client network (/24, /48).
create table public.monitoring_status_rate (
    key text not null,
    at timestamptz not null
);
create index monitoring_status_rate_key on public.monitoring_status_rate (key, at);

-- One row per (message, subscriber): inserted by the run that claims it, so two overlapping
-- runs never send the same update twice; a claim never marked sent is retried after 10 min.
create table public.monitoring_status_deliveries (
    message text not null,
    subscriber_id bigint not null references public.monitoring_status_subscribers (id) on delete cascade,
    claimed_at timestamptz not null,
    sent_at timestamptz,
    primary key (message, subscriber_id)
);

alter table public.monitoring_status_events enable row level security;
alter table public.monitoring_status_subscribers enable row level security;
alter table public.monitoring_status_rate enable row level security;
alter table public.monitoring_status_deliveries enable row level security;

-- As every monitor table: service_role only (anon and authenticated get nothing).
revoke all on table public.monitoring_status_events, public.monitoring_status_subscribers,
    public.monitoring_status_rate, public.monitoring_status_deliveries from public;
do $$
declare
    role_name text;
begin
    for role_name in select rolname from pg_roles where rolname in ('anon', 'authenticated') loop
        execute format('revoke all on table public.monitoring_status_events, '
                       'public.monitoring_status_subscribers, public.monitoring_status_rate, '
                       'public.monitoring_status_deliveries from %I', role_name);
        execute format('revoke all on sequence %s from %I',
                       pg_get_serial_sequence('public.monitoring_status_subscribers', 'id'),
                       role_name);
    end loop;
    if exists (select 1 from pg_roles where rolname = 'service_role') then
        grant select, insert, update, delete on table public.monitoring_status_events,
            public.monitoring_status_subscribers, public.monitoring_status_rate,
            public.monitoring_status_deliveries to service_role;
        execute format('grant usage on sequence %s to service_role',
                       pg_get_serial_sequence('public.monitoring_status_subscribers', 'id'));
    end if;
end
$$;

create function public.monitoring_status_event_get(p_id text) returns jsonb
language sql stable as $$
    select to_jsonb(e) from public.monitoring_status_events e where e.id = p_id
$$;

-- Insert (p_expected_version = 0) or replace at the expected version; null when another
-- writer got there first (the caller answers 409) or the id is taken.
create function public.monitoring_status_event_put(p_event jsonb, p_expected_version integer)
returns jsonb
language plpgsql volatile as $$
declare
    saved public.monitoring_status_events;
    r public.monitoring_status_events;
begin
    r := jsonb_populate_record(null::public.monitoring_status_events, p_event);
    if p_expected_version = 0 then
        r.version := 1;
        insert into public.monitoring_status_events select r.*
        on conflict (id) do nothing
        returning * into saved;
    else
        update public.monitoring_status_events e set
            version = e.version + 1, published = r.published, status = r.status,
            impact = r.impact, title = r.title, message = r.message,
            components = r.components, updates = r.updates, postmortem = r.postmortem,
            starts_at = r.starts_at, ends_at = r.ends_at, updated_at = r.updated_at,
            resolved_at = r.resolved_at, published_at = r.published_at
        where e.id = r.id and e.version = p_expected_version
        returning * into saved;
    end if;
    return case when saved.id is null then null else to_jsonb(saved) end;
end
$$;

-- (A JSON null argument, as PostgREST may pass one, counts as SQL null: every component.)
-- Events still of interest at p_since: open ones, and those updated, resolved or ending since.
create function public.monitoring_status_events_since(p_since timestamptz, p_published_only boolean)
returns jsonb
language sql stable as $$
    select coalesce(jsonb_agg(to_jsonb(e) order by e.created_at desc), '[]'::jsonb)
    from public.monitoring_status_events e
    where (e.published or not p_published_only)
      and (e.updated_at >= p_since or e.resolved_at >= p_since or e.ends_at >= p_since
           or (e.kind = 'incident' and e.resolved_at is null))
$$;

-- A pending (or existing) e-mail subscriber; `send` is true when a confirmation mail may go out
-- now (unconfirmed, and none sent to this address in the last day).
create function public.monitoring_status_subscribe(
    p_email text, p_language text, p_components jsonb, p_now timestamptz
) returns jsonb
language plpgsql volatile as $$
declare
    row_id bigint;
    confirmed timestamptz;
    sent boolean;
begin
    insert into public.monitoring_status_subscribers (email, language, components, created_at)
    values (lower(p_email), p_language, nullif(p_components, 'null'::jsonb), p_now)
    on conflict (email) do nothing;
    select id, confirmed_at into row_id, confirmed
    from public.monitoring_status_subscribers where email = lower(p_email);
    update public.monitoring_status_subscribers s
    set confirmation_sent_at = p_now,
        language = case when s.confirmed_at is null then p_language else s.language end,
        components = case when s.confirmed_at is null then nullif(p_components, 'null'::jsonb)
                          else s.components end
    where s.id = row_id and s.confirmed_at is null
      and (s.confirmation_sent_at is null or s.confirmation_sent_at <= p_now - interval '1 day');
    sent := found;
    return jsonb_build_object('id', row_id, 'send', sent, 'confirmed', confirmed is not null);
end
$$;

create function public.monitoring_status_add_webhook(
    p_url text, p_components jsonb, p_now timestamptz
) returns jsonb
language sql volatile as $$
    insert into public.monitoring_status_subscribers
        (webhook_url, components, confirmed_at, created_at)
    values (p_url, nullif(p_components, 'null'::jsonb), p_now, p_now)
    on conflict (webhook_url) do update set components = excluded.components
    returning jsonb_build_object('id', id, 'webhook_url', webhook_url)
$$;

create function public.monitoring_status_subscriber(p_id bigint) returns jsonb
language sql stable as $$
    select to_jsonb(s) from public.monitoring_status_subscribers s where s.id = p_id
$$;

create function public.monitoring_status_confirm(p_id bigint, p_now timestamptz) returns jsonb
language sql volatile as $$
    update public.monitoring_status_subscribers
    set confirmed_at = coalesce(confirmed_at, p_now)
    where id = p_id
    returning to_jsonb(monitoring_status_subscribers)
$$;

create function public.monitoring_status_preferences(
    p_id bigint, p_language text, p_components jsonb
) returns jsonb
language sql volatile as $$
    update public.monitoring_status_subscribers
    set language = p_language, components = nullif(p_components, 'null'::jsonb)
    where id = p_id
    returning to_jsonb(monitoring_status_subscribers)
$$;

-- Unsubscribe (by id) or a bounce/complaint (by address): the row is deleted, nothing kept.
create function public.monitoring_status_unsubscribe(p_id bigint, p_email text) returns integer
language plpgsql volatile as $$
declare
    n integer;
begin
    delete from public.monitoring_status_subscribers
    where id = p_id or (p_email is not null and email = lower(p_email));
    get diagnostics n = row_count;
    return n;
end
$$;

-- Count a hit under each key and say which keys are over their limit within the window.
create function public.monitoring_status_rate_hit(
    p_keys jsonb, p_now timestamptz, p_window_s integer
) returns jsonb
language plpgsql volatile as $$
declare
    result jsonb;
begin
    delete from public.monitoring_status_rate
    where at < p_now - make_interval(secs => p_window_s);
    insert into public.monitoring_status_rate (key, at)
    select k, p_now from jsonb_object_keys(p_keys) k;
    select coalesce(jsonb_object_agg(k.key, n.hits), '{}'::jsonb) into result
    from jsonb_each(p_keys) k
    cross join lateral (
        select count(*) as hits from public.monitoring_status_rate r where r.key = k.key
    ) n
    where n.hits > (k.value #>> '{}')::integer;
    return result;  -- {key: hits} of the keys over their limit
end
$$;

-- Claim up to p_limit recipients of one message: confirmed before p_not_after, choosing one of
-- p_components (null: every subscriber), never claimed before or claimed > 10 min ago unsent.
create function public.monitoring_status_claim(
    p_message text, p_components jsonb, p_not_after timestamptz, p_now timestamptz,
    p_limit integer
) returns jsonb
language plpgsql volatile as $$
declare
    claimed jsonb;
begin
    with eligible as (
        select s.id from public.monitoring_status_subscribers s
        where s.confirmed_at is not null and s.confirmed_at <= p_not_after
          and (nullif(p_components, 'null'::jsonb) is null or s.components is null
               or s.components ?| array(
                   select jsonb_array_elements_text(nullif(p_components, 'null'::jsonb))))
          and not exists (
              select 1 from public.monitoring_status_deliveries d
              where d.message = p_message and d.subscriber_id = s.id
                and (d.sent_at is not null or d.claimed_at > p_now - interval '10 minutes'))
        order by s.id
        limit p_limit
    ), taken as (
        insert into public.monitoring_status_deliveries (message, subscriber_id, claimed_at)
        select p_message, id, p_now from eligible
        on conflict (message, subscriber_id) do update set claimed_at = excluded.claimed_at
        where monitoring_status_deliveries.sent_at is null
          and monitoring_status_deliveries.claimed_at <= p_now - interval '10 minutes'
        returning subscriber_id
    )
    select coalesce(jsonb_agg(jsonb_build_object(
               'id', s.id, 'email', s.email, 'webhook_url', s.webhook_url,
               'language', s.language) order by s.id), '[]'::jsonb)
    into claimed
    from taken t join public.monitoring_status_subscribers s on s.id = t.subscriber_id;
    return claimed;
end
$$;

-- After sending: mark the claims sent, or release them (a failed send is retried next run).
create function public.monitoring_status_delivered(
    p_message text, p_ids jsonb, p_sent boolean, p_now timestamptz
) returns integer
language plpgsql volatile as $$
declare
    n integer;
begin
    if p_sent then
        update public.monitoring_status_deliveries set sent_at = p_now
        where message = p_message
          and subscriber_id in (select (v #>> '{}')::bigint from jsonb_array_elements(p_ids) v);
    else
        delete from public.monitoring_status_deliveries
        where message = p_message and sent_at is null
          and subscriber_id in (select (v #>> '{}')::bigint from jsonb_array_elements(p_ids) v);
    end if;
    get diagnostics n = row_count;
    return n;
end
$$;

-- Housekeeping: unconfirmed subscribers after 7 days, delivery rows after 120 days.
create function public.monitoring_status_prune(p_now timestamptz) returns integer
language plpgsql volatile as $$
declare
    n integer;
begin
    delete from public.monitoring_status_subscribers
    where confirmed_at is null and created_at < p_now - interval '7 days';
    get diagnostics n = row_count;
    delete from public.monitoring_status_deliveries where claimed_at < p_now - interval '120 days';
    return n;
end
$$;

select public.monitoring_restrict_to_service_role(f::regprocedure)
from unnest(array[
    'public.monitoring_status_event_get(text)',
    'public.monitoring_status_event_put(jsonb, integer)',
    'public.monitoring_status_events_since(timestamptz, boolean)',
    'public.monitoring_status_subscribe(text, text, jsonb, timestamptz)',
    'public.monitoring_status_add_webhook(text, jsonb, timestamptz)',
    'public.monitoring_status_subscriber(bigint)',
    'public.monitoring_status_confirm(bigint, timestamptz)',
    'public.monitoring_status_preferences(bigint, text, jsonb)',
    'public.monitoring_status_unsubscribe(bigint, text)',
    'public.monitoring_status_rate_hit(jsonb, timestamptz, integer)',
    'public.monitoring_status_claim(text, jsonb, timestamptz, timestamptz, integer)',
    'public.monitoring_status_delivered(text, jsonb, boolean, timestamptz)',
    'public.monitoring_status_prune(timestamptz)'
]) f;
