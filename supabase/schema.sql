-- GENERATED: the schema after every file in supabase/migrations/ (pg_dump 15 --schema-only).
-- Do not edit: change the schema with a new migration, then run `python -m lib schema` (or `make schema`).
-- For reading only: apply the migrations, not this file.

--
-- PostgreSQL database dump
--


--
-- Name: monitoring_alert_cas(text, bigint, jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_alert_cas(p_rule text, p_expected_version bigint, p_patch jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: monitoring_alert_episodes(timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_alert_episodes(p_from timestamp with time zone, p_to timestamp with time zone) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
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


--
-- Name: monitoring_alert_transition(text, bigint, jsonb, jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_alert_transition(p_rule text, p_expected_version bigint, p_patch jsonb, p_event jsonb DEFAULT NULL::jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: monitoring_alerts_list(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_alerts_list() RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select coalesce(jsonb_agg(to_jsonb(a) order by a.rule), '[]'::jsonb)
    from public.monitoring_alerts a
$$;


--
-- Name: monitoring_analytics_ingest(text, integer, jsonb, jsonb, date); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_analytics_ingest(p_digest text, p_records integer, p_rows jsonb, p_ids jsonb, p_close_before date) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
declare
    fresh integer;
    added integer := 0;
begin
    insert into public.monitoring_drain_deliveries (digest, kind, records)
    values (p_digest, 'analytics', p_records) on conflict (digest) do nothing;
    get diagnostics fresh = row_count;
    if fresh = 0 then
        return jsonb_build_object('duplicate', true, 'buckets', 0);
    end if;
    insert into public.monitoring_analytics_hours as h (grain, at, dimension, value, count)
    select g.grain, date_trunc(g.grain, (e ->> 0)::timestamptz at time zone 'UTC')
                    at time zone 'UTC', e ->> 1, e ->> 2, sum((e ->> 3)::bigint)
    from jsonb_array_elements(coalesce(p_rows, '[]')) e, (values ('hour'), ('day')) g(grain)
    group by 1, 2, 3, 4
    order by 1, 3, 2, 4  -- one lock order for concurrent deliveries
    on conflict (grain, dimension, at, value) do update set count = h.count + excluded.count;
    get diagnostics added = row_count;

    insert into public.monitoring_visitor_salts (day)
    select d::date from jsonb_object_keys(coalesce(p_ids, '{}')) d
    where d::date >= p_close_before
      and not exists (select 1 from public.monitoring_visitor_days v where v.day = d::date)
    order by 1
    on conflict (day) do nothing;
    insert into public.monitoring_visitor_hashes (day, kind, hash)
    select s.day, k.kind,
           substring(sha256(convert_to(s.salt::text || ':' || i.id, 'UTF8')) from 1 for 8)
    from public.monitoring_visitor_salts s
    cross join lateral (values ('device', p_ids -> s.day::text -> 'devices'),
                               ('session', p_ids -> s.day::text -> 'sessions')) k(kind, ids)
    cross join lateral jsonb_array_elements_text(coalesce(k.ids, '[]')) i(id)
    where p_ids ? s.day::text
    order by 1, 2, 3
    on conflict do nothing;
    perform public.monitoring_visitor_close(p_close_before);

    delete from public.monitoring_analytics_hours where at < now() - interval '35 days';
    delete from public.monitoring_drain_deliveries
    where kind = 'analytics' and received_at < now() - interval '1 day';
    return jsonb_build_object('duplicate', false, 'buckets', added);
end
$$;


--
-- Name: monitoring_analytics_summary(timestamp with time zone, timestamp with time zone, integer, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_analytics_summary(p_start timestamp with time zone, p_end timestamp with time zone, p_top integer, p_grain text) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    with w as (
        select dimension, value, sum(count) as n
        from public.monitoring_analytics_hours
        where grain = p_grain and at >= p_start and at < p_end
        group by 1, 2
    ), ranked as (
        select dimension, value, n,
               row_number() over (partition by dimension order by n desc, value) as r,
               sum(n) over (partition by dimension) as total
        from w
    ), dims as (
        select dimension, max(total) as total,
               jsonb_agg(jsonb_build_array(value, n) order by r) filter (where r <= p_top) as top
        from ranked group by dimension
    ), days as (
        select day, visitors, sessions from public.monitoring_visitor_days
        where day between p_start::date and p_end::date
        union all
        select s.day, count(h.hash) filter (where h.kind = 'device'),
               count(h.hash) filter (where h.kind = 'session')
        from public.monitoring_visitor_salts s
        left join public.monitoring_visitor_hashes h on h.day = s.day
        where s.day between p_start::date and p_end::date
          and not exists (select 1 from public.monitoring_visitor_days v where v.day = s.day)
        group by s.day
    )
    select jsonb_build_object(
        'first', least((select min(at) from public.monitoring_analytics_hours
                     where grain = 'hour' and dimension = 'page_views'),
                    (select min(at) from public.monitoring_analytics_hours
                     where grain = 'hour' and dimension = 'events')),
        'dimensions', coalesce((select jsonb_object_agg(
            dimension, jsonb_build_object('total', total, 'top', coalesce(top, '[]')))
            from dims), '{}'),
        'hours', coalesce((select jsonb_agg(jsonb_build_array(at, count) order by at)
                           from public.monitoring_analytics_hours
                           where grain = 'hour' and dimension = 'page_views' and value = ''
                             and at >= p_start and at < p_end), '[]'),
        'days', coalesce((select jsonb_agg(jsonb_build_array(day, visitors, sessions)
                                           order by day) from days), '[]'))
$$;


--
-- Name: monitoring_check_states(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_check_states(p_prefix text) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
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


--
-- Name: monitoring_checks_since(text, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_checks_since(p_service text, p_since timestamp with time zone) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select coalesce(jsonb_agg(jsonb_build_object(
               'checked_at', checked_at, 'status', status, 'latency_ms', latency_ms,
               'reason', reason) order by checked_at), '[]'::jsonb)
    from public.monitoring_health_checks
    where service = p_service and checked_at >= p_since
$$;


--
-- Name: monitoring_console_facts(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_console_facts() RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
    applied jsonb;
begin
    if to_regclass('supabase_migrations.schema_migrations') is not null then
        execute 'select coalesce(jsonb_agg(version order by version), ''[]''::jsonb)
                 from supabase_migrations.schema_migrations' into applied;
    end if;
    return jsonb_build_object(
        'pg_stat_statements', exists (select 1 from pg_catalog.pg_extension
                                      where extname = 'pg_stat_statements'),
        'migrations', applied
    );
end
$$;


--
-- Name: monitoring_count_rows(text, text, timestamp with time zone, timestamp with time zone, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_count_rows(p_table text, p_column text, p_from timestamp with time zone, p_to timestamp with time zone, p_filter_column text DEFAULT NULL::text, p_filter_value text DEFAULT NULL::text) RETURNS bigint
    LANGUAGE plpgsql STABLE
    AS $_$
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
$_$;


--
-- Name: monitoring_cron_finish(bigint, text, text, jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_cron_finish(p_id bigint, p_outcome text, p_error text, p_summary jsonb) RETURNS boolean
    LANGUAGE sql
    AS $$
    with updated as (
        update public.monitoring_cron_runs
        set finished_at = now(), outcome = p_outcome, error = left(p_error, 500), summary = p_summary
        where id = p_id returning 1
    )
    select exists (select 1 from updated)
$$;


--
-- Name: monitoring_cron_start(text, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_cron_start(p_job text, p_max_duration_s integer DEFAULT 60) RETURNS bigint
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: monitoring_cron_status(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_cron_status() RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
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


--
-- Name: monitoring_database_stats(double precision); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_database_stats(p_slow_ms double precision DEFAULT 2000) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    AS $_$
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
$_$;


--
-- Name: monitoring_deployment(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_deployment(p_id text) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select to_jsonb(d) from public.monitoring_deployments d where d.id = p_id
$$;


--
-- Name: monitoring_deployment_counts(timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_deployment_counts(p_from timestamp with time zone, p_to timestamp with time zone) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
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


--
-- Name: monitoring_down_since(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_down_since(p_service text) RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    AS $$
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


--
-- Name: monitoring_first_data(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_first_data() RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select jsonb_build_object(
        'health_checks', (select min(checked_at) from public.monitoring_health_checks),
        'vercel_webhooks', (select min(created_at) from public.monitoring_vercel_events),
        'vercel_drains', least((select min(at) from public.monitoring_traffic_buckets
                                where grain = 'hour'),
                               (select min(at) from public.monitoring_web_vitals_hours)),
        'vercel_drain_requests', (select min(at) from public.monitoring_traffic_buckets
                                  where grain = 'hour' and requests > 0))
$$;


--
-- Name: monitoring_health_check_read(timestamp with time zone, jsonb, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_health_check_read(p_now timestamp with time zone, p_days jsonb, p_checks_since timestamp with time zone, p_events_since timestamp with time zone) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    with services as (select s from jsonb_object_keys(public.monitoring_latest_checks()) s)
    select jsonb_build_object(
        'alerts', public.monitoring_alerts_list(),
        'metrics', coalesce((select jsonb_object_agg(d, public.monitoring_metrics_of_day(d::date))
                             from jsonb_array_elements_text(p_days) d), '{}'::jsonb),
        'checks', coalesce((select jsonb_object_agg(s, public.monitoring_checks_since(s, p_checks_since))
                            from services), '{}'::jsonb),
        'down_since', coalesce((select jsonb_object_agg(s, public.monitoring_down_since(s))
                                from services), '{}'::jsonb),
        'last_check_before', public.monitoring_last_check_before(p_now),
        'cron_status', public.monitoring_cron_status(),
        'traffic_last_received', public.monitoring_traffic_last_received(),
        'provider_statuses', public.monitoring_provider_statuses(),
        'status_events', public.monitoring_status_events_since(p_events_since, true),
        'visitor_signals', public.monitoring_visitor_signals(p_now))
$$;


--
-- Name: monitoring_health_check_write(jsonb, jsonb, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_health_check_write(p_checks jsonb, p_providers jsonb, p_prune_before timestamp with time zone, p_minutes_before timestamp with time zone) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
declare
    recorded integer := public.monitoring_record_checks(p_checks);
    providers integer := case when p_providers is null then null
                              else public.monitoring_provider_record(p_providers) end;
begin
    return jsonb_build_object(
        'recorded', recorded,
        'providers', providers,
        'pruned', public.monitoring_prune_checks(p_prune_before),
        'pruned_notifications', public.monitoring_prune_notifications(p_prune_before),
        'pruned_minutes', public.monitoring_prune_traffic_minutes(p_minutes_before));
end
$$;


--
-- Name: monitoring_heartbeat_ping(text, text, text, integer, text, timestamp with time zone, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_heartbeat_ping(p_key text, p_name text, p_kind text, p_exit_code integer, p_body text, p_now timestamp with time zone, p_limit integer) RETURNS text
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: monitoring_heartbeat_states(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_heartbeat_states() RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select coalesce(jsonb_object_agg(name, to_jsonb(h) - 'name'), '{}'::jsonb)
    from public.monitoring_heartbeats h
$$;


--
-- Name: monitoring_hist_add(bigint[], bigint[]); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_hist_add(a bigint[], b bigint[]) RETURNS bigint[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    select array(select coalesce(a[i], 0) + coalesce(b[i], 0)
                 from generate_series(1, greatest(cardinality(a), cardinality(b))) i)
$$;


--
-- Name: monitoring_hist_sums(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_hist_sums(p_column text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    select 'array[' || string_agg(format('coalesce(sum(%I[%s]), 0)', p_column, i), ', ' order by i)
           || ']::bigint[]'
    from generate_series(1, 67) i
$$;


--
-- Name: monitoring_last_check_before(timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_last_check_before(p_before timestamp with time zone) RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    AS $$
    select max(checked_at) from public.monitoring_health_checks where checked_at < p_before
$$;


--
-- Name: monitoring_latest_checks(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_latest_checks() RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    with recursive services as (
        (select service from public.monitoring_health_checks order by service limit 1)
        union all
        select (select h.service from public.monitoring_health_checks h
                where h.service > services.service order by h.service limit 1)
        from services where services.service is not null
    )
    select coalesce(jsonb_object_agg(latest.service, jsonb_build_object(
               'status', latest.status, 'latency_ms', latest.latency_ms, 'reason', latest.reason,
               'checked_at', latest.checked_at)), '{}'::jsonb)
    from services
    cross join lateral (
        select h.service, h.status, h.latency_ms, h.reason, h.checked_at
        from public.monitoring_health_checks h
        where h.service = services.service
        order by h.checked_at desc limit 1
    ) latest
$$;


--
-- Name: monitoring_log_ingest(jsonb, text, text, integer, jsonb, jsonb, jsonb, jsonb, integer, integer, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_log_ingest(p_edge jsonb, p_digest text, p_kind text, p_records integer, p_traffic jsonb, p_vitals jsonb, p_requests jsonb, p_claims jsonb, p_max_routes integer, p_max_deployments integer, p_idle_days integer) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
declare written jsonb;
begin
    written := public.monitoring_traffic_ingest(
        p_digest, p_kind, p_records, p_traffic, p_vitals, p_requests, p_claims, p_max_routes,
        p_max_deployments, p_idle_days);
    if (written ->> 'duplicate')::boolean then
        return written;
    end if;
    insert into public.monitoring_edge_hours as x (
        at, network, route, requests, status_4xx, rate_limited, denied, challenged, firewall,
        scripted)
    select (e ->> 0)::timestamptz, e ->> 1, e ->> 2, sum((e ->> 3)::bigint),
           sum((e ->> 4)::bigint), sum((e ->> 5)::bigint), sum((e ->> 6)::bigint),
           sum((e ->> 7)::bigint), sum((e ->> 8)::bigint), sum((e ->> 9)::bigint)
    from jsonb_array_elements(coalesce(p_edge, '[]')) e
    group by 1, 2, 3
    order by 1, 2, 3
    on conflict (at, network, route) do update set
        requests = x.requests + excluded.requests,
        status_4xx = x.status_4xx + excluded.status_4xx,
        rate_limited = x.rate_limited + excluded.rate_limited,
        denied = x.denied + excluded.denied,
        challenged = x.challenged + excluded.challenged,
        firewall = x.firewall + excluded.firewall,
        scripted = x.scripted + excluded.scripted;
    delete from public.monitoring_edge_hours where at < now() - interval '35 days';
    return written;
end
$$;


--
-- Name: monitoring_metric_days(date, date); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_metric_days(p_from date, p_to date) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select coalesce(jsonb_agg(distinct day order by day), '[]'::jsonb)
    from public.monitoring_daily_metrics where day between p_from and p_to
$$;


--
-- Name: monitoring_metric_series(text, date, date); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_metric_series(p_metric text, p_from date, p_to date) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select coalesce(jsonb_agg(jsonb_build_object('day', day, 'value', value, 'unit', unit)
                              order by day), '[]'::jsonb)
    from public.monitoring_daily_metrics
    where metric = p_metric and day between p_from and p_to
$$;


--
-- Name: monitoring_metric_series_many(jsonb, date, date); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_metric_series_many(p_metrics jsonb, p_from date, p_to date) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select coalesce(jsonb_object_agg(metric, points), '{}'::jsonb)
    from (
        select metric, jsonb_agg(jsonb_build_object('day', day, 'value', value) order by day)
                           as points
        from public.monitoring_daily_metrics
        where metric in (select jsonb_array_elements_text(p_metrics)) and day between p_from and p_to
        group by metric
    ) per_metric
$$;


--
-- Name: monitoring_metrics_of_day(date); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_metrics_of_day(p_day date) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select coalesce(jsonb_object_agg(metric, value), '{}'::jsonb)
    from public.monitoring_daily_metrics where day = p_day
$$;


--
-- Name: monitoring_notification_claims(jsonb, text, timestamp with time zone, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_notification_claims(p_items jsonb, p_channel text, p_now timestamp with time zone, p_lease_s integer) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: monitoring_notification_done(text, text, timestamp with time zone, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_notification_done(p_id text, p_channel text, p_now timestamp with time zone, p_error text) RETURNS boolean
    LANGUAGE sql
    AS $$
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


--
-- Name: monitoring_notifications_last(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_notifications_last(p_channel text) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select jsonb_build_object('sent_at', sent_at, 'error', error, 'attempted_at', attempted_at,
                              'attempts', attempts, 'rule', rule, 'event', event)
    from public.monitoring_notifications
    where channel = p_channel and attempted_at is not null
    order by attempted_at desc
    limit 1
$$;


--
-- Name: monitoring_ping(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_ping() RETURNS integer
    LANGUAGE sql STABLE
    AS $$ select 1 $$;


--
-- Name: monitoring_privacy_facts(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_privacy_facts() RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select jsonb_build_object(
        'edge_rows', (select count(*) from public.monitoring_edge_hours),
        'edge_unknown', (select count(*) from public.monitoring_edge_hours
                         where network = 'unknown'),
        'edge_full_addresses', (select count(*) from public.monitoring_edge_hours
                                where network not in ('unknown', 'other')
                                  and position('/' in network) = 0),
        'edge_oldest', (select min(at) from public.monitoring_edge_hours),
        'analytics_oldest', least((select min(at) from public.monitoring_analytics_hours
                     where grain = 'hour' and dimension = 'page_views'),
                    (select min(at) from public.monitoring_analytics_hours
                     where grain = 'hour' and dimension = 'events')),
        'hash_oldest_day', (select min(day) from public.monitoring_visitor_salts),
        'hashes', (select count(*) from public.monitoring_visitor_hashes))
$$;


--
-- Name: monitoring_provider_claim(timestamp with time zone, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_provider_claim(p_now timestamp with time zone, p_interval_s integer) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
begin
    insert into public.monitoring_provider_refresh as r (id, started_at) values (true, p_now)
    on conflict (id) do update set started_at = excluded.started_at
    where r.started_at <= p_now - make_interval(secs => p_interval_s);
    return found;
end
$$;


--
-- Name: monitoring_provider_record(jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_provider_record(p_rows jsonb) RETURNS integer
    LANGUAGE plpgsql
    AS $$
declare
    n integer;
begin
    delete from public.monitoring_provider_status
    where provider not in (select r ->> 'provider' from jsonb_array_elements(p_rows) r);
    insert into public.monitoring_provider_status as s
        (provider, kind, checked_at, ok, indicator, description, error, incidents, maintenances)
    select r ->> 'provider', r ->> 'kind', (r ->> 'checked_at')::timestamptz,
           (r ->> 'ok')::boolean, r ->> 'indicator', r ->> 'description', left(r ->> 'error', 200),
           coalesce(r -> 'incidents', '[]'::jsonb), coalesce(r -> 'maintenances', '[]'::jsonb)
    from jsonb_array_elements(p_rows) r
    on conflict (provider) do update set
        kind = excluded.kind, checked_at = excluded.checked_at, ok = excluded.ok,
        error = excluded.error,
        indicator = case when excluded.ok then excluded.indicator else s.indicator end,
        description = case when excluded.ok then excluded.description else s.description end,
        incidents = case when excluded.ok then excluded.incidents else s.incidents end,
        maintenances = case when excluded.ok then excluded.maintenances else s.maintenances end;
    get diagnostics n = row_count;
    return n;
end
$$;


--
-- Name: monitoring_provider_statuses(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_provider_statuses() RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select coalesce(jsonb_agg(to_jsonb(s) order by s.provider), '[]'::jsonb)
    from public.monitoring_provider_status s
$$;


--
-- Name: monitoring_prune_checks(timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_prune_checks(p_before timestamp with time zone) RETURNS integer
    LANGUAGE sql
    AS $$
    with deleted as (
        delete from public.monitoring_health_checks where checked_at < p_before returning 1
    )
    select count(*)::integer from deleted
$$;


--
-- Name: monitoring_prune_notifications(timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_prune_notifications(p_before timestamp with time zone) RETURNS integer
    LANGUAGE sql
    AS $$
    with deleted as (
        delete from public.monitoring_notifications where created_at < p_before returning 1
    )
    select count(*)::integer from deleted
$$;


--
-- Name: monitoring_prune_traffic_minutes(timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_prune_traffic_minutes(p_before timestamp with time zone) RETURNS integer
    LANGUAGE sql
    AS $$
    with deleted as (
        delete from public.monitoring_traffic_buckets
        where grain = 'minute' and at < p_before returning 1
    )
    select count(*)::integer from deleted
$$;


--
-- Name: monitoring_recent_deployments(text, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_recent_deployments(p_target text, p_limit integer) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select coalesce(jsonb_agg(to_jsonb(d) - 'timeline' - 'state_at' - 'updated_at'
                              order by d.created_at desc, d.id), '[]'::jsonb)
    from (select * from public.monitoring_deployments
          where p_target is null or target = p_target
          order by created_at desc, id limit greatest(1, least(p_limit, 100))) d
$$;


--
-- Name: monitoring_record_checks(jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_record_checks(p_checks jsonb) RETURNS integer
    LANGUAGE sql
    AS $$
    with inserted as (
        insert into public.monitoring_health_checks (checked_at, service, status, latency_ms, reason)
        select coalesce((c ->> 'checked_at')::timestamptz, now()),
               c ->> 'service', c ->> 'status', (c ->> 'latency_ms')::integer, c ->> 'reason'
        from jsonb_array_elements(p_checks) as c
        returning 1
    )
    select count(*)::integer from inserted
$$;


--
-- Name: monitoring_report_claim_send(text, text, boolean, integer, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_report_claim_send(p_kind text, p_period text, p_force boolean, p_lease_s integer, p_seen_sent_at timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS boolean
    LANGUAGE sql
    AS $$
    with claimed as (
        update public.monitoring_reports
        set send_claimed_at = now(), send_attempts = send_attempts + 1
        where kind = p_kind and period = p_period
          and (sent_at is null or (p_force and sent_at is not distinct from p_seen_sent_at))
          and (send_claimed_at is null or send_claimed_at < now() - make_interval(secs => p_lease_s))
        returning 1
    )
    select exists (select 1 from claimed)
$$;


--
-- Name: monitoring_report_counts(jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_report_counts(p_counts jsonb) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select coalesce(jsonb_object_agg(c ->> 'key', public.monitoring_count_rows(
               c ->> 'table', c ->> 'column', (c ->> 'from')::timestamptz, (c ->> 'to')::timestamptz,
               c ->> 'filter_column', c ->> 'filter_value')), '{}'::jsonb)
    from jsonb_array_elements(p_counts) c
$$;


--
-- Name: monitoring_report_cron_runs(timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_report_cron_runs(p_from timestamp with time zone, p_to timestamp with time zone) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select coalesce(jsonb_object_agg(job, jsonb_build_object('runs', runs, 'failures', failures)),
                    '{}'::jsonb)
    from (select job, count(*) as runs, count(*) filter (where outcome = 'failure') as failures
          from public.monitoring_cron_runs where started_at >= p_from and started_at < p_to
          group by job) j
$$;


--
-- Name: monitoring_report_get(text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_report_get(p_kind text, p_period text DEFAULT NULL::text) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select to_jsonb(r) - 'send_claimed_at' from public.monitoring_reports r
    where r.kind = p_kind and (p_period is null or r.period = p_period)
    order by r.period desc limit 1
$$;


--
-- Name: monitoring_report_metrics(date, date); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_report_metrics(p_from date, p_to date) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select coalesce(jsonb_object_agg(metric, points), '{}'::jsonb)
    from (select metric, jsonb_agg(jsonb_build_object('day', day, 'value', value) order by day)
                     as points
          from public.monitoring_daily_metrics where day between p_from and p_to
          group by metric) m
$$;


--
-- Name: monitoring_report_retention(text, text, text, timestamp with time zone, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_report_retention(p_table text, p_id_column text, p_column text, p_prev_from timestamp with time zone, p_from timestamp with time zone, p_to timestamp with time zone) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    AS $_$
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
$_$;


--
-- Name: monitoring_report_save(text, text, text, jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_report_save(p_kind text, p_period text, p_headline text, p_body jsonb) RETURNS jsonb
    LANGUAGE sql
    AS $$
    insert into public.monitoring_reports as r (kind, period, headline, body, generated_at)
    values (p_kind, p_period, p_headline, p_body, now())
    on conflict (kind, period) do update
        set headline = excluded.headline, body = excluded.body, generated_at = excluded.generated_at
    returning jsonb_build_object('kind', kind, 'period', period, 'sent_at', sent_at,
                                 'send_attempts', send_attempts)
$$;


--
-- Name: monitoring_report_sent(text, text, text, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_report_sent(p_kind text, p_period text, p_email_id text, p_error text) RETURNS boolean
    LANGUAGE sql
    AS $$
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


--
-- Name: monitoring_report_uptime(jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_report_uptime(p_windows jsonb) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select coalesce(jsonb_object_agg(w ->> 'key',
               public.monitoring_uptime((w ->> 'from')::timestamptz, (w ->> 'to')::timestamptz)
                   -> 'overall'), '{}'::jsonb)
    from jsonb_array_elements(p_windows) w
$$;


--
-- Name: monitoring_reports_unsent(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_reports_unsent(p_kind text) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select coalesce(jsonb_agg(period order by period), '[]'::jsonb)
    from (select period from public.monitoring_reports
          where kind = p_kind and sent_at is null order by period desc limit 6) p
$$;


--
-- Name: monitoring_restrict_to_service_role(regprocedure); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_restrict_to_service_role(p_function regprocedure) RETURNS void
    LANGUAGE plpgsql
    AS $$
declare
    role_name text;
begin
    execute format('revoke all on function %s from public', p_function);
    for role_name in select rolname from pg_roles where rolname in ('anon', 'authenticated') loop
        execute format('revoke all on function %s from %I', p_function, role_name);
    end loop;
    if exists (select 1 from pg_roles where rolname = 'service_role') then
        execute format('grant execute on function %s to service_role', p_function);
    end if;
end
$$;


--
-- Name: monitoring_schema_versions(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_schema_versions() RETURNS jsonb
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO ''
    AS $$
declare
    versions jsonb;
begin
    if to_regclass('supabase_migrations.schema_migrations') is null then
        return null;
    end if;
    -- Dynamic SQL: a static reference would fail to compile where the table is absent.
    execute 'select coalesce(jsonb_agg(version order by version), ''[]''::jsonb)
             from supabase_migrations.schema_migrations' into versions;
    return versions;
end
$$;


--
-- Name: monitoring_status_add_webhook(text, jsonb, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_status_add_webhook(p_url text, p_components jsonb, p_now timestamp with time zone) RETURNS jsonb
    LANGUAGE sql
    AS $$
    insert into public.monitoring_status_subscribers
        (webhook_url, components, confirmed_at, created_at)
    values (p_url, nullif(p_components, 'null'::jsonb), p_now, p_now)
    on conflict (webhook_url) do update set components = excluded.components
    returning jsonb_build_object('id', id, 'webhook_url', webhook_url)
$$;


--
-- Name: monitoring_status_claim(text, jsonb, timestamp with time zone, timestamp with time zone, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_status_claim(p_message text, p_components jsonb, p_not_after timestamp with time zone, p_now timestamp with time zone, p_limit integer) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: monitoring_status_confirm(bigint, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_status_confirm(p_id bigint, p_now timestamp with time zone) RETURNS jsonb
    LANGUAGE sql
    AS $$
    update public.monitoring_status_subscribers
    set confirmed_at = coalesce(confirmed_at, p_now)
    where id = p_id
    returning to_jsonb(monitoring_status_subscribers)
$$;


--
-- Name: monitoring_status_delivered(text, jsonb, boolean, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_status_delivered(p_message text, p_ids jsonb, p_sent boolean, p_now timestamp with time zone) RETURNS integer
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: monitoring_status_event_get(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_status_event_get(p_id text) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select to_jsonb(e) from public.monitoring_status_events e where e.id = p_id
$$;


--
-- Name: monitoring_status_event_put(jsonb, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_status_event_put(p_event jsonb, p_expected_version integer) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: monitoring_status_events_since(timestamp with time zone, boolean); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_status_events_since(p_since timestamp with time zone, p_published_only boolean) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select coalesce(jsonb_agg(to_jsonb(e) order by e.created_at desc), '[]'::jsonb)
    from public.monitoring_status_events e
    where (e.published or not p_published_only)
      and (e.updated_at >= p_since or e.resolved_at >= p_since or e.ends_at >= p_since
           or (e.kind = 'incident' and e.resolved_at is null))
$$;


--
-- Name: monitoring_status_page(timestamp with time zone, text, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_status_page(p_now timestamp with time zone, p_timezone text, p_history_days integer) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select public.monitoring_status_summary_with_incidents(p_now, p_timezone, p_history_days)
           || jsonb_build_object('traffic', public.monitoring_traffic_availability())
$$;


--
-- Name: monitoring_status_preferences(bigint, text, jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_status_preferences(p_id bigint, p_language text, p_components jsonb) RETURNS jsonb
    LANGUAGE sql
    AS $$
    update public.monitoring_status_subscribers
    set language = p_language, components = nullif(p_components, 'null'::jsonb)
    where id = p_id
    returning to_jsonb(monitoring_status_subscribers)
$$;


--
-- Name: monitoring_status_prune(timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_status_prune(p_now timestamp with time zone) RETURNS integer
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: monitoring_status_rate_hit(jsonb, timestamp with time zone, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_status_rate_hit(p_keys jsonb, p_now timestamp with time zone, p_window_s integer) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: monitoring_status_subscribe(text, text, jsonb, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_status_subscribe(p_email text, p_language text, p_components jsonb, p_now timestamp with time zone) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: monitoring_status_subscriber(bigint); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_status_subscriber(p_id bigint) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select to_jsonb(s) from public.monitoring_status_subscribers s where s.id = p_id
$$;


--
-- Name: monitoring_status_summary(timestamp with time zone, text, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_status_summary(p_now timestamp with time zone, p_timezone text, p_history_days integer DEFAULT 90) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    with bounds as (
        select (p_now at time zone p_timezone)::date - (greatest(p_history_days, 1) - 1) as first_day
    ), edges as (
        -- Local midnights as instants, so each row finds its day by binary search (width_bucket)
        -- instead of a time-zone conversion per row, the dominant cost of the earlier version.
        select b.first_day,
               array_agg((b.first_day + k)::timestamp at time zone p_timezone order by k) as midnights
        from bounds b,
             generate_series(0, (p_now at time zone p_timezone)::date - b.first_day) as k
        group by b.first_day
    ), scan as (
        -- Windows nest (24 h in 7 d in 30 d), so one pass buckets every row by the smallest window
        -- that holds it, and by its local day; sums over buckets give windows and days alike.
        select h.service,
               -- bucket i >= 1 is day first_day + i - 1; 0 is before first_day (windows only).
               e.first_day + width_bucket(h.checked_at, e.midnights) - 1 as day,
               case when h.checked_at >= p_now - interval '24 hours' then 1
                    when h.checked_at >= p_now - interval '7 days' then 7
                    when h.checked_at >= p_now - interval '30 days' then 30
                    else 0 end as win,
               count(*) as checks,
               count(*) filter (where h.status <> 'down') as up,
               count(*) filter (where h.status = 'degraded') as degraded,
               coalesce(sum(h.latency_ms) filter (where h.status <> 'down'), 0) as latency_sum,
               count(h.latency_ms) filter (where h.status <> 'down') as latency_n
        from public.monitoring_health_checks h, edges e
        where h.checked_at <= p_now
          and h.checked_at >= least(p_now - interval '30 days', e.midnights[1])
        group by 1, 2, 3
    ), windows as (
        select coalesce(s.service, 'overall') as service, w.days,
               sum(s.checks) as checks, sum(s.up) as up, sum(s.degraded) as degraded,
               sum(s.latency_sum) as latency_sum, sum(s.latency_n) as latency_n
        from scan s join (values (1), (7), (30)) as w(days) on s.win between 1 and w.days
        group by grouping sets ((s.service, w.days), (w.days))
    ), daily as (
        select coalesce(s.service, 'overall') as service, s.day,
               sum(s.checks) as checks, sum(s.up) as up, sum(s.degraded) as degraded,
               sum(s.latency_sum) as latency_sum, sum(s.latency_n) as latency_n
        from scan s, bounds b
        where s.day >= b.first_day
        group by grouping sets ((s.service, s.day), (s.day))
    ), latest as (
        select s.service, l.status, l.latency_ms, l.checked_at
        from (select distinct service from scan) s
        cross join lateral (
            select status, latency_ms, checked_at from public.monitoring_health_checks h
            where h.service = s.service and h.checked_at <= p_now
            order by h.checked_at desc limit 1
        ) l
    )
    select jsonb_build_object(
        'now', p_now,
        'timezone', p_timezone,
        'first_day', (select first_day from bounds),
        'windows', coalesce((
            select jsonb_object_agg(service, per) from (
                select service, jsonb_object_agg(days::text, jsonb_build_object(
                           'checks', checks, 'up', up, 'degraded', degraded,
                           'latency_sum', latency_sum, 'latency_n', latency_n)) as per
                from windows group by service) x), '{}'::jsonb),
        'daily', coalesce((
            select jsonb_object_agg(service, per) from (
                select service, jsonb_agg(jsonb_build_object(
                           'day', day, 'checks', checks, 'up', up, 'degraded', degraded,
                           'latency_sum', latency_sum, 'latency_n', latency_n) order by day) as per
                from daily group by service) x), '{}'::jsonb),
        'latest', coalesce((
            select jsonb_object_agg(service, jsonb_build_object(
                       'status', status, 'latency_ms', latency_ms, 'checked_at', checked_at))
            from latest), '{}'::jsonb),
        'incidents', coalesce((
            select jsonb_agg(jsonb_build_object('rule', rule, 'severity', severity, 'since', since)
                             order by case severity when 'critical' then 0
                                                    when 'warning' then 1 else 2 end, since)
            from public.monitoring_alerts where state = 'firing'), '[]'::jsonb)
    )
$$;


--
-- Name: monitoring_status_summary_with_incidents(timestamp with time zone, text, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_status_summary_with_incidents(p_now timestamp with time zone, p_timezone text, p_history_days integer DEFAULT 90) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select public.monitoring_status_summary(p_now, p_timezone, p_history_days)
           || jsonb_build_object('resolved', public.monitoring_alert_episodes(
                  p_now - make_interval(days => greatest(p_history_days, 1)), p_now))
$$;


--
-- Name: monitoring_status_unsubscribe(bigint, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_status_unsubscribe(p_id bigint, p_email text) RETURNS integer
    LANGUAGE plpgsql
    AS $$
declare
    n integer;
begin
    delete from public.monitoring_status_subscribers
    where id = p_id or (p_email is not null and email = lower(p_email));
    get diagnostics n = row_count;
    return n;
end
$$;


--
-- Name: monitoring_storage_present(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_storage_present() RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
    select to_regclass('storage.objects') is not null
$$;


--
-- Name: monitoring_storage_usage(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_storage_usage() RETURNS jsonb
    LANGUAGE plpgsql STABLE
    AS $_$
declare
    result jsonb;
begin
    if to_regclass('storage.objects') is null then
        return null;
    end if;
    execute $q$
        select coalesce(jsonb_object_agg(bucket, jsonb_build_object('bytes', bytes, 'objects', objects)),
                        '{}'::jsonb)
        from (select coalesce(bucket_id, '') as bucket,
                     coalesce(sum(case when metadata->>'size' ~ '^[0-9]{1,18}$'
                                       then (metadata->>'size')::bigint end), 0) as bytes,
                     count(*) as objects
              from storage.objects
              group by 1) per_bucket
    $q$ into result;
    return result;
end
$_$;


--
-- Name: monitoring_traffic_availability(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_traffic_availability() RETURNS jsonb
    LANGUAGE sql STABLE
    SET enable_seqscan TO 'off'
    AS $$
    select jsonb_object_agg(w.name, (
        select case when sum(requests) > 0
                    then round(100 - 100.0 * least(sum(failed), sum(requests)) / sum(requests), 3)
               end
        from public.monitoring_traffic_buckets
        where grain = w.grain and at >= w.since))
    from (values ('24h', 'hour', date_trunc('hour', now()) - interval '24 hours'),
                 ('7d', 'hour', date_trunc('hour', now()) - interval '7 days'),
                 ('30d', 'day', date_trunc('day', now() at time zone 'UTC') at time zone 'UTC'
                                - interval '30 days')) w(name, grain, since)
$$;


--
-- Name: monitoring_traffic_ingest(text, text, integer, jsonb, jsonb, jsonb, jsonb, integer, integer, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_traffic_ingest(p_digest text, p_kind text, p_records integer, p_traffic jsonb, p_vitals jsonb, p_requests jsonb, p_claims jsonb, p_max_routes integer, p_max_deployments integer, p_idle_days integer) RETURNS jsonb
    LANGUAGE plpgsql
    AS $_$
declare
    fresh integer;
    added integer := 0;
    vitals integer := 0;
begin
    insert into public.monitoring_drain_deliveries (digest, kind, records)
    values (p_digest, p_kind, p_records) on conflict (digest) do nothing;
    get diagnostics fresh = row_count;
    if fresh = 0 then
        return jsonb_build_object('duplicate', true, 'buckets', 0, 'vitals', 0);
    end if;
    perform public.monitoring_traffic_slots(
        'route', array(select jsonb_array_elements_text(coalesce(p_claims -> 'routes', '[]'))),
        p_max_routes, p_idle_days);
    perform public.monitoring_traffic_slots(
        'deployment',
        array(select jsonb_array_elements_text(coalesce(p_claims -> 'deployments', '[]'))),
        p_max_deployments, p_idle_days);

    -- The requests' facts not counted before (by this or an earlier delivery) become bucket
    -- rows of every grain beside the caller's; folding routes and deployments into "other" can
    -- make two rows one, so all are summed here.
    execute format($sql$
        with incoming as (
            select e ->> 0 as request_id, (e ->> 1)::integer as k, (e ->> 2)::integer as facts,
                   (e ->> 3)::integer as status, (e ->> 4)::bigint as bytes,
                   (e ->> 5)::integer as cache_hit
            from jsonb_array_elements(coalesce($2 -> 'rows', '[]')) e
        ), keys as (
            select (k - 1)::integer as k, (e ->> 0)::bigint as minute, e ->> 1 as deployment,
                   e ->> 2 as route
            from jsonb_array_elements(coalesce($2 -> 'keys', '[]')) with ordinality as x(e, k)
        ), counted as (
            insert into public.monitoring_drain_requests (request_id, fact)
            select i.request_id, f.fact from incoming i, (values (1), (2), (3)) f(fact)
            where i.facts & (1 << (f.fact - 1)) <> 0
            order by 1, 2  -- one lock order for concurrent deliveries
            on conflict do nothing
            returning request_id, fact
        ), deltas as (
            select keys.minute, keys.deployment, keys.route,
                   count(*) filter (where c.fact = 1) as requests,
                   count(*) filter (where c.fact = 1 and i.status between 200 and 299) as s2,
                   count(*) filter (where c.fact = 1 and i.status between 300 and 399) as s3,
                   count(*) filter (where c.fact = 1 and i.status between 400 and 499) as s4,
                   count(*) filter (where c.fact = 1 and i.status between 500 and 599) as s5,
                   count(*) filter (where c.fact = 3) as crashes,
                   count(*) filter (where c.fact = 2) as failed,
                   coalesce(sum(i.bytes) filter (where c.fact = 1), 0) as bytes,
                   count(*) filter (where c.fact = 1 and i.cache_hit = 1) as cache_hits
            from counted c
            join incoming i on i.request_id = c.request_id
            join keys on keys.k = i.k
            group by 1, 2, 3
        ), merged as (
            select r.grain, r.at, coalesce(r.deployment, '') as deployment, r.route, r.requests,
                   r.status_2xx, r.status_3xx, r.status_4xx, r.status_5xx, r.crashes,
                   coalesce(r.failed, 0) as failed, r.bytes, r.cache_hits, r.timed,
                   r.duration_ms, r.latency
            from jsonb_to_recordset($1) as r(
                grain text, at timestamptz, deployment text, route text, requests bigint,
                status_2xx bigint, status_3xx bigint, status_4xx bigint, status_5xx bigint,
                crashes bigint, failed bigint, bytes bigint, cache_hits bigint, timed bigint,
                duration_ms double precision, latency bigint[])
            union all
            select g.grain, to_timestamp(d.minute / g.minutes * g.minutes * 60), d.deployment,
                   d.route, d.requests, d.s2, d.s3, d.s4, d.s5, d.crashes, d.failed, d.bytes,
                   d.cache_hits, 0, 0, '{}'::bigint[]
            from deltas d,
                 (values ('minute', 1), ('hour', 60), ('day', 1440)) g(grain, minutes)
        ), rows as (
            select m.grain, m.at,
                   case when m.deployment = '' or dk.deployment is not null then m.deployment
                        else 'other' end as deployment,
                   case when k.route is null then 'other' else m.route end as route,
                   m.requests, m.status_2xx, m.status_3xx, m.status_4xx, m.status_5xx,
                   m.crashes, m.failed, m.bytes, m.cache_hits, m.timed, m.duration_ms, m.latency
            from merged m
            left join public.monitoring_traffic_routes k on k.route = m.route
            left join public.monitoring_traffic_deployments dk on dk.deployment = m.deployment
        )
        insert into public.monitoring_traffic_buckets as t (
            grain, at, deployment, route, requests, status_2xx, status_3xx, status_4xx,
            status_5xx, crashes, failed, bytes, cache_hits, timed, duration_ms, latency)
        select grain, at, deployment, route, sum(requests), sum(status_2xx), sum(status_3xx),
               sum(status_4xx), sum(status_5xx), sum(crashes), sum(failed), sum(bytes),
               sum(cache_hits), sum(timed), sum(duration_ms), %s
        from rows
        group by grain, at, deployment, route
        order by grain, at, deployment, route  -- one lock order for concurrent deliveries
        on conflict (grain, at, deployment, route) do update set
            requests = t.requests + excluded.requests,
            status_2xx = t.status_2xx + excluded.status_2xx,
            status_3xx = t.status_3xx + excluded.status_3xx,
            status_4xx = t.status_4xx + excluded.status_4xx,
            status_5xx = t.status_5xx + excluded.status_5xx,
            crashes = t.crashes + excluded.crashes,
            failed = t.failed + excluded.failed,
            bytes = t.bytes + excluded.bytes,
            cache_hits = t.cache_hits + excluded.cache_hits,
            timed = t.timed + excluded.timed,
            duration_ms = t.duration_ms + excluded.duration_ms,
            latency = public.monitoring_hist_add(t.latency, excluded.latency)
        $sql$, public.monitoring_hist_sums('latency')) using p_traffic, p_requests;
    get diagnostics added = row_count;

    execute format($sql$
        with rows as (
            select date_trunc('hour', r.minute) at, r.metric,
                   case when k.route is null then 'other' else r.route end as page, r.samples, r.hist
            from jsonb_to_recordset($1) as r(minute timestamptz, metric text, route text,
                                             samples bigint, hist bigint[])
            left join public.monitoring_traffic_routes k on k.route = r.route
        )
        insert into public.monitoring_web_vitals_hours as w (at, metric, page, samples, hist)
        select at, metric, page, sum(samples), %s
        from rows
        group by at, metric, page
        order by at, metric, page
        on conflict (at, metric, page) do update set
            samples = w.samples + excluded.samples,
            hist = public.monitoring_hist_add(w.hist, excluded.hist)
        $sql$, public.monitoring_hist_sums('hist')) using p_vitals;
    get diagnostics vitals = row_count;

    -- Buckets older than 35 days go (daily rollups stay in monitoring_daily_metrics). Digests and
    -- request ids are kept a day: Vercel retries a delivery within minutes and a request's lines
    -- are all written within its function's longest run (800 s) and delivered soon after.
    delete from public.monitoring_traffic_buckets
    where grain in ('minute', 'hour', 'day') and at < now() - interval '35 days';
    delete from public.monitoring_web_vitals_hours where at < now() - interval '35 days';
    delete from public.monitoring_drain_deliveries
    where kind in ('log', 'trace', 'speed_insights') and received_at < now() - interval '1 day';
    delete from public.monitoring_drain_requests where seen_at < now() - interval '1 day';
    return jsonb_build_object('duplicate', false, 'buckets', added, 'vitals', vitals);
end
$_$;


--
-- Name: monitoring_traffic_last_received(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_traffic_last_received() RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select coalesce(jsonb_object_agg(kind, last), '{}')
    from (select kind, max(received_at) last from public.monitoring_drain_deliveries group by kind) k
$$;


--
-- Name: monitoring_traffic_slots(text, text[], integer, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_traffic_slots(p_kind text, p_claimed text[], p_max integer, p_idle_days integer) RETURNS void
    LANGUAGE plpgsql
    AS $$
begin
    if p_kind = 'route' then
        delete from public.monitoring_traffic_routes
        where route in (select route from public.monitoring_traffic_routes
                        where last_seen < now() - make_interval(days => p_idle_days)
                        for update skip locked);
        update public.monitoring_traffic_routes set last_seen = now()
        where route in (select route from public.monitoring_traffic_routes
                        where route = any(p_claimed) and last_seen < now() - interval '1 hour'
                        for update skip locked);
        insert into public.monitoring_traffic_routes (route)
        select c from (
            select distinct c from unnest(p_claimed) c
            where not exists (select 1 from public.monitoring_traffic_routes k where k.route = c)
            order by 1
            limit greatest(0, p_max - (select count(*) from public.monitoring_traffic_routes))
        ) n
        on conflict (route) do nothing;
    else
        delete from public.monitoring_traffic_deployments
        where deployment in (select deployment from public.monitoring_traffic_deployments
                             where last_seen < now() - make_interval(days => p_idle_days)
                             for update skip locked);
        update public.monitoring_traffic_deployments set last_seen = now()
        where deployment in (select deployment from public.monitoring_traffic_deployments
                             where deployment = any(p_claimed)
                               and last_seen < now() - interval '1 hour'
                             for update skip locked);
        insert into public.monitoring_traffic_deployments (deployment)
        select c from (
            select distinct c from unnest(p_claimed) c
            where c <> '' and not exists (select 1 from public.monitoring_traffic_deployments k
                                          where k.deployment = c)
            order by 1
            limit greatest(0, p_max - (select count(*) from public.monitoring_traffic_deployments))
        ) n
        on conflict (deployment) do nothing;
    end if;
end
$$;


--
-- Name: monitoring_traffic_summary(text, timestamp with time zone, timestamp with time zone, text, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_traffic_summary(p_grain text, p_from timestamp with time zone, p_to timestamp with time zone, p_deployment text, p_step_s integer) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET enable_seqscan TO 'off'
    SET max_parallel_workers_per_gather TO '0'
    SET jit TO 'off'
    AS $_$
declare
    found jsonb;
begin
    if p_step_s is null or p_step_s < 1 then
        raise exception 'p_step_s must be a positive number of seconds' using errcode = '22023';
    end if;
    execute format($sql$
        select coalesce(jsonb_agg(jsonb_build_array(
                   case g when 7 then 'all' when 3 then 'time' when 5 then 'route'
                          else 'deployment' end,
                   coalesce(step::text, route, deployment, 'all'),
                   requests, status_4xx, status_5xx, crashes, bytes, cache_hits, timed,
                   duration_ms, failed, latency)), '[]')
        from (select grouping(step, route, deployment) g, step, route, deployment,
                     sum(requests) requests, sum(status_4xx) status_4xx,
                     sum(status_5xx) status_5xx, sum(crashes) crashes, sum(bytes) bytes,
                     sum(cache_hits) cache_hits, sum(timed) timed, sum(duration_ms) duration_ms,
                     sum(failed) failed, %s latency
              from (select *, extract(epoch from at)::bigint / $5 * $5 as step
                    from public.monitoring_traffic_buckets
                    where grain = $1 and at >= $2 and at < $3
                      and ($4::text is null or deployment = $4)) b
              group by grouping sets ((), (step), (route), (deployment))) s
        $sql$, public.monitoring_hist_sums('latency'))
    into found using p_grain, p_from, p_to, p_deployment, p_step_s;
    return found;
end
$_$;


--
-- Name: monitoring_upsert_daily_metrics(jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_upsert_daily_metrics(p_rows jsonb) RETURNS integer
    LANGUAGE sql
    AS $$
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


--
-- Name: monitoring_uptime(timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_uptime(p_from timestamp with time zone, p_to timestamp with time zone) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
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


--
-- Name: monitoring_vercel_event(jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_vercel_event(p_event jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: monitoring_vercel_events_since(jsonb, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_vercel_events_since(p_types jsonb, p_since timestamp with time zone) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    select coalesce(jsonb_agg(jsonb_build_object('id', id, 'type', type, 'created_at', created_at,
                                                 'payload', payload)
                              order by created_at desc), '[]'::jsonb)
    from public.monitoring_vercel_events
    where type in (select jsonb_array_elements_text(p_types)) and created_at >= p_since
$$;


--
-- Name: monitoring_visitor_close(date); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_visitor_close(p_before date) RETURNS integer
    LANGUAGE plpgsql
    AS $$
declare closed integer;
begin
    insert into public.monitoring_visitor_days (day, visitors, sessions)
    select s.day, count(h.hash) filter (where h.kind = 'device'),
           count(h.hash) filter (where h.kind = 'session')
    from public.monitoring_visitor_salts s
    left join public.monitoring_visitor_hashes h on h.day = s.day
    where s.day < p_before
    group by s.day
    on conflict (day) do nothing;
    get diagnostics closed = row_count;
    delete from public.monitoring_visitor_salts where day < p_before;  -- hashes cascade
    delete from public.monitoring_visitor_days where day < p_before - 35;
    return closed;
end
$$;


--
-- Name: monitoring_visitor_day(date, timestamp with time zone, timestamp with time zone, date); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_visitor_day(p_day date, p_start timestamp with time zone, p_end timestamp with time zone, p_close_before date) RETURNS jsonb
    LANGUAGE plpgsql
    AS $$
begin
    perform public.monitoring_visitor_close(p_close_before);
    return jsonb_build_object(
        'first', least((select min(at) from public.monitoring_analytics_hours
                     where grain = 'hour' and dimension = 'page_views'),
                    (select min(at) from public.monitoring_analytics_hours
                     where grain = 'hour' and dimension = 'events')),
        'page_views', (select sum(count) from public.monitoring_analytics_hours
                       where grain = 'hour' and dimension = 'page_views'
                         and at >= p_start and at < p_end),
        'events', (select sum(count) from public.monitoring_analytics_hours
                   where grain = 'hour' and dimension = 'events'
                     and at >= p_start and at < p_end),
        'visitors', coalesce(
            (select visitors from public.monitoring_visitor_days where day = p_day),
            (select count(*) from public.monitoring_visitor_hashes
             where day = p_day and kind = 'device')),
        'sessions', coalesce(
            (select sessions from public.monitoring_visitor_days where day = p_day),
            (select count(*) from public.monitoring_visitor_hashes
             where day = p_day and kind = 'session')));
end
$$;


--
-- Name: monitoring_visitor_signals(timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_visitor_signals(p_now timestamp with time zone) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    with recent as (
        select network, route, sum(requests) as requests, sum(rate_limited + denied) as violations
        from public.monitoring_edge_hours
        where at >= date_trunc('hour', p_now) - interval '1 hour' and at <= p_now
        group by 1, 2
    ), top as (  -- the busiest networks of the last two hours: only they are judged for abuse
        select * from recent where network not in ('unknown', 'other')
        order by requests desc limit 20
    ), route_totals as (
        select route, sum(requests) as requests from recent
        where route in (select route from top) group by 1
    ), history as (  -- the 4 weeks before, of the routes judged only (index on route, at)
        select e.network, e.route, e.requests
        from public.monitoring_edge_hours e
        where e.route in (select route from top)
          and e.at >= p_now - interval '28 days'
          and e.at < date_trunc('hour', p_now) - interval '1 hour'
    ), baseline as (
        select network, route, sum(requests) as requests from history group by 1, 2
    ), baseline_routes as (
        select route, sum(requests) as requests from history group by 1
    )
    select jsonb_build_object(
        'edge_first', (select min(at) from public.monitoring_edge_hours),
        'violations', coalesce((
            select jsonb_agg(jsonb_build_array(at, v) order by at) from (
                select at, sum(rate_limited + denied) as v from public.monitoring_edge_hours
                where rate_limited + denied > 0
                  and at >= p_now - interval '28 days' and at <= p_now
                group by at) x), '[]'),
        'top_networks', coalesce((
            select jsonb_agg(jsonb_build_array(network, violations) order by violations desc)
            from (select network, sum(violations) as violations from recent group by 1
                  having sum(violations) > 0 order by 2 desc limit 3) x), '[]'),
        'top_routes', coalesce((
            select jsonb_agg(jsonb_build_array(route, violations) order by violations desc)
            from (select route, sum(violations) as violations from recent group by 1
                  having sum(violations) > 0 order by 2 desc limit 3) x), '[]'),
        'abuse', coalesce((
            select jsonb_agg(jsonb_build_array(r.network, r.route, r.requests, t.requests,
                                               coalesce(b.requests, 0), coalesce(br.requests, 0))
                             order by r.requests desc)
            from top r
            join route_totals t on t.route = r.route
            left join baseline b on b.network = r.network and b.route = r.route
            left join baseline_routes br on br.route = r.route), '[]'),
        'client_errors', (
            select jsonb_build_array(coalesce(sum(requests), 0), coalesce(sum(status_4xx), 0))
            from public.monitoring_traffic_buckets
            where grain = 'minute' and at >= p_now - interval '15 minutes' and at <= p_now),
        'countries_recent', coalesce((
            select jsonb_agg(jsonb_build_array(value, n) order by n desc) from (
                select value, sum(count) as n from public.monitoring_analytics_hours
                where grain = 'hour' and dimension = 'country'
                  and at > p_now - interval '24 hours' and at <= p_now
                group by 1) x), '[]'),
        'countries_days', coalesce((
            select jsonb_agg(jsonb_build_array(value, d, n)) from (
                select value,
                       floor(extract(epoch from (p_now - interval '24 hours' - at)) / 86400)::int
                           as d,
                       sum(count) as n
                from public.monitoring_analytics_hours
                where grain = 'hour' and dimension = 'country' and at >= p_now - interval '29 days'
                  and at <= p_now - interval '24 hours'
                group by 1, 2) x), '[]'),
        'abuse_firing', coalesce((
            select jsonb_agg(rule order by rule) from public.monitoring_alerts
            where rule like 'abuse\_suspected:%' and state = 'firing'), '[]'),
        'analytics_first', least((select min(at) from public.monitoring_analytics_hours
                     where grain = 'hour' and dimension = 'page_views'),
                    (select min(at) from public.monitoring_analytics_hours
                     where grain = 'hour' and dimension = 'events')),
        'capacity', coalesce((
            select jsonb_agg(jsonb_build_array(metric, day, value) order by metric, day)
            from public.monitoring_daily_metrics
            where metric in ('db_size_bytes', 'bandwidth_bytes', 'openai_cost_usd',
                             'storage_bytes')
              and day >= (p_now - interval '35 days')::date), '[]'))
$$;


--
-- Name: monitoring_web_vitals_window(timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.monitoring_web_vitals_window(p_from timestamp with time zone, p_to timestamp with time zone) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    AS $_$
declare
    found jsonb;
begin
    execute format($sql$
        select coalesce(jsonb_object_agg(metric, jsonb_build_object('samples', samples,
                                                                    'hist', to_jsonb(hist))), '{}')
        from (select metric, sum(samples) samples, %s hist
              from public.monitoring_web_vitals_hours where at >= $1 and at < $2
              group by metric) m
        $sql$, public.monitoring_hist_sums('hist'))
    into found using p_from, p_to;
    return found;
end
$_$;


--
-- Name: monitoring_alert_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_alert_events (
    id bigint NOT NULL,
    rule text NOT NULL,
    kind text NOT NULL,
    severity text NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    episode_start timestamp with time zone NOT NULL,
    value double precision,
    threshold double precision,
    message text,
    actor text,
    note text,
    level integer,
    CONSTRAINT monitoring_alert_events_actor_check CHECK ((length(actor) <= 80)),
    CONSTRAINT monitoring_alert_events_kind_check CHECK ((kind = ANY (ARRAY['firing'::text, 'reminder'::text, 'resolved'::text, 'silenced'::text, 'acknowledged'::text, 'unacknowledged'::text, 'escalated'::text]))),
    CONSTRAINT monitoring_alert_events_level_check CHECK (((level >= 0) AND (level <= 20))),
    CONSTRAINT monitoring_alert_events_note_check CHECK ((length(note) <= 500))
);


--
-- Name: monitoring_alert_events_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_alert_events ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.monitoring_alert_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: monitoring_alerts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_alerts (
    rule text NOT NULL,
    state text DEFAULT 'ok'::text NOT NULL,
    severity text DEFAULT 'warning'::text NOT NULL,
    since timestamp with time zone DEFAULT now() NOT NULL,
    last_notified_at timestamp with time zone,
    last_value double precision,
    message text,
    pending jsonb,
    version bigint DEFAULT 1 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    acknowledged_at timestamp with time zone,
    acknowledged_by text,
    level integer DEFAULT 0 NOT NULL,
    CONSTRAINT monitoring_alerts_acknowledged_by_check CHECK ((length(acknowledged_by) <= 80)),
    CONSTRAINT monitoring_alerts_level_check CHECK (((level >= 0) AND (level <= 20))),
    CONSTRAINT monitoring_alerts_severity_check CHECK ((severity = ANY (ARRAY['critical'::text, 'warning'::text, 'info'::text]))),
    CONSTRAINT monitoring_alerts_state_check CHECK ((state = ANY (ARRAY['ok'::text, 'firing'::text])))
);


--
-- Name: monitoring_analytics_hours; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_analytics_hours (
    grain text NOT NULL,
    at timestamp with time zone NOT NULL,
    dimension text NOT NULL,
    value text NOT NULL,
    count bigint NOT NULL,
    CONSTRAINT monitoring_analytics_hours_count_check CHECK ((count >= 0)),
    CONSTRAINT monitoring_analytics_hours_dimension_check CHECK ((dimension ~ '^[a-z_]{1,20}$'::text)),
    CONSTRAINT monitoring_analytics_hours_grain_check CHECK ((grain = ANY (ARRAY['hour'::text, 'day'::text]))),
    CONSTRAINT monitoring_analytics_hours_value_check CHECK ((length(value) <= 100))
);


--
-- Name: monitoring_cron_runs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_cron_runs (
    id bigint NOT NULL,
    job text NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    outcome text DEFAULT 'running'::text NOT NULL,
    error text,
    summary jsonb,
    CONSTRAINT monitoring_cron_runs_job_check CHECK ((job ~ '^[a-z][a-z0-9_]{0,39}$'::text)),
    CONSTRAINT monitoring_cron_runs_outcome_check CHECK ((outcome = ANY (ARRAY['running'::text, 'success'::text, 'failure'::text, 'abandoned'::text])))
);


--
-- Name: monitoring_cron_runs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_cron_runs ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.monitoring_cron_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: monitoring_daily_metrics; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_daily_metrics (
    day date NOT NULL,
    metric text NOT NULL,
    value double precision NOT NULL,
    unit text NOT NULL,
    computed_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT monitoring_daily_metrics_metric_check CHECK (((metric ~ '^[a-z][a-z0-9_]{0,63}$'::text) OR (metric ~ '^check_[a-z0-9_]{1,23}:[a-z][a-z0-9_-]{0,39}$'::text)))
);


--
-- Name: monitoring_deployments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_deployments (
    id text NOT NULL,
    url text,
    name text,
    inspect_url text,
    target text DEFAULT 'preview'::text NOT NULL,
    state text NOT NULL,
    state_at timestamp with time zone NOT NULL,
    sha text,
    message text,
    author text,
    branch text,
    created_at timestamp with time zone NOT NULL,
    ready_at timestamp with time zone,
    promoted_at timestamp with time zone,
    error_at timestamp with time zone,
    canceled_at timestamp with time zone,
    timeline jsonb DEFAULT '[]'::jsonb NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    alias jsonb,
    project_id text,
    user_id text,
    regions jsonb,
    CONSTRAINT monitoring_deployments_id_check CHECK (((length(id) >= 1) AND (length(id) <= 200))),
    CONSTRAINT monitoring_deployments_project_id_check CHECK ((length(project_id) <= 200)),
    CONSTRAINT monitoring_deployments_state_check CHECK ((state = ANY (ARRAY['building'::text, 'ready'::text, 'error'::text, 'canceled'::text]))),
    CONSTRAINT monitoring_deployments_user_id_check CHECK ((length(user_id) <= 200))
);


--
-- Name: monitoring_drain_deliveries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_drain_deliveries (
    digest text NOT NULL,
    kind text NOT NULL,
    records integer NOT NULL,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT monitoring_drain_deliveries_digest_check CHECK ((digest ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT monitoring_drain_deliveries_kind_check CHECK ((kind = ANY (ARRAY['log'::text, 'trace'::text, 'speed_insights'::text, 'analytics'::text])))
);


--
-- Name: monitoring_drain_requests; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_drain_requests (
    request_id text NOT NULL COLLATE pg_catalog."C",
    fact smallint NOT NULL,
    seen_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT monitoring_drain_requests_fact_check CHECK ((fact = ANY (ARRAY[1, 2, 3]))),
    CONSTRAINT monitoring_drain_requests_request_id_check CHECK (((length(request_id) >= 1) AND (length(request_id) <= 128)))
);


--
-- Name: monitoring_edge_hours; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_edge_hours (
    at timestamp with time zone NOT NULL,
    network text NOT NULL,
    route text NOT NULL,
    requests bigint DEFAULT 0 NOT NULL,
    status_4xx bigint DEFAULT 0 NOT NULL,
    rate_limited bigint DEFAULT 0 NOT NULL,
    denied bigint DEFAULT 0 NOT NULL,
    challenged bigint DEFAULT 0 NOT NULL,
    firewall bigint DEFAULT 0 NOT NULL,
    scripted bigint DEFAULT 0 NOT NULL,
    CONSTRAINT monitoring_edge_hours_network_check CHECK ((length(network) <= 64)),
    CONSTRAINT monitoring_edge_hours_route_check CHECK ((length(route) <= 200))
);


--
-- Name: monitoring_health_checks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_health_checks (
    id bigint NOT NULL,
    checked_at timestamp with time zone DEFAULT now() NOT NULL,
    service text NOT NULL,
    status text NOT NULL,
    latency_ms integer,
    reason text,
    CONSTRAINT monitoring_health_checks_latency_ms_check CHECK ((latency_ms >= 0)),
    CONSTRAINT monitoring_health_checks_reason_check CHECK ((length(reason) <= 200)),
    CONSTRAINT monitoring_health_checks_service_check CHECK (((service ~ '^[a-z][a-z0-9_]{0,39}$'::text) OR (service ~ '^check:[a-z][a-z0-9_-]{0,39}$'::text))),
    CONSTRAINT monitoring_health_checks_status_check CHECK ((status = ANY (ARRAY['ok'::text, 'degraded'::text, 'down'::text])))
);


--
-- Name: monitoring_health_checks_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_health_checks ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.monitoring_health_checks_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: monitoring_heartbeats; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_heartbeats (
    name text NOT NULL,
    last_ping_at timestamp with time zone,
    last_kind text,
    last_success_at timestamp with time zone,
    last_fail_at timestamp with time zone,
    last_exit_code integer,
    started_at timestamp with time zone,
    last_duration_ms bigint,
    fail_body text,
    pings bigint DEFAULT 0 NOT NULL,
    CONSTRAINT monitoring_heartbeats_fail_body_check CHECK ((length(fail_body) <= 10240)),
    CONSTRAINT monitoring_heartbeats_last_duration_ms_check CHECK ((last_duration_ms >= 0)),
    CONSTRAINT monitoring_heartbeats_last_exit_code_check CHECK (((last_exit_code >= 0) AND (last_exit_code <= 255))),
    CONSTRAINT monitoring_heartbeats_last_kind_check CHECK ((last_kind = ANY (ARRAY['success'::text, 'start'::text, 'fail'::text]))),
    CONSTRAINT monitoring_heartbeats_name_check CHECK ((name ~ '^[a-z][a-z0-9_-]{0,39}$'::text))
);


--
-- Name: monitoring_notifications; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_notifications (
    notification_id text NOT NULL,
    channel text NOT NULL,
    rule text NOT NULL,
    event text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    claimed_at timestamp with time zone,
    attempts integer DEFAULT 0 NOT NULL,
    attempted_at timestamp with time zone,
    sent_at timestamp with time zone,
    error text,
    CONSTRAINT monitoring_notifications_channel_check CHECK ((channel ~ '^[a-z][a-z0-9_]{0,39}$'::text)),
    CONSTRAINT monitoring_notifications_error_check CHECK ((length(error) <= 500)),
    CONSTRAINT monitoring_notifications_notification_id_check CHECK ((notification_id ~ '^[A-Za-z0-9_-]{1,64}$'::text))
);


--
-- Name: monitoring_ping_limits; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_ping_limits (
    key text NOT NULL,
    window_start timestamp with time zone NOT NULL,
    count integer NOT NULL,
    CONSTRAINT monitoring_ping_limits_key_check CHECK ((length(key) = 64))
);


--
-- Name: monitoring_provider_refresh; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_provider_refresh (
    id boolean DEFAULT true NOT NULL,
    started_at timestamp with time zone NOT NULL,
    CONSTRAINT monitoring_provider_refresh_id_check CHECK (id)
);


--
-- Name: monitoring_provider_status; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_provider_status (
    provider text NOT NULL,
    kind text NOT NULL,
    checked_at timestamp with time zone NOT NULL,
    ok boolean NOT NULL,
    indicator text,
    description text,
    error text,
    incidents jsonb DEFAULT '[]'::jsonb NOT NULL,
    maintenances jsonb DEFAULT '[]'::jsonb NOT NULL,
    CONSTRAINT monitoring_provider_status_error_check CHECK ((length(error) <= 200)),
    CONSTRAINT monitoring_provider_status_kind_check CHECK ((kind = ANY (ARRAY['statuspage'::text, 'feed'::text]))),
    CONSTRAINT monitoring_provider_status_provider_check CHECK ((provider ~ '^[a-z][a-z0-9_]{0,39}$'::text))
);


--
-- Name: monitoring_reports; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_reports (
    kind text NOT NULL,
    period text NOT NULL,
    generated_at timestamp with time zone DEFAULT now() NOT NULL,
    headline text NOT NULL,
    body jsonb NOT NULL,
    sent_at timestamp with time zone,
    email_id text,
    send_claimed_at timestamp with time zone,
    send_attempts integer DEFAULT 0 NOT NULL,
    send_error text,
    CONSTRAINT monitoring_reports_kind_check CHECK ((kind = ANY (ARRAY['weekly'::text, 'monthly'::text]))),
    CONSTRAINT monitoring_reports_period_check CHECK ((period ~ '^\d{4}-(W\d{2}|\d{2})$'::text))
);


--
-- Name: monitoring_status_deliveries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_status_deliveries (
    message text NOT NULL,
    subscriber_id bigint NOT NULL,
    claimed_at timestamp with time zone NOT NULL,
    sent_at timestamp with time zone
);


--
-- Name: monitoring_status_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_status_events (
    id text NOT NULL,
    kind text NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    published boolean DEFAULT false NOT NULL,
    status text NOT NULL,
    impact text DEFAULT 'none'::text NOT NULL,
    title jsonb NOT NULL,
    message jsonb,
    components jsonb DEFAULT '[]'::jsonb NOT NULL,
    updates jsonb DEFAULT '[]'::jsonb NOT NULL,
    postmortem jsonb,
    source text,
    starts_at timestamp with time zone,
    ends_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    resolved_at timestamp with time zone,
    published_at timestamp with time zone,
    CONSTRAINT monitoring_status_events_kind_check CHECK ((kind = ANY (ARRAY['incident'::text, 'maintenance'::text])))
);


--
-- Name: monitoring_status_rate; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_status_rate (
    key text NOT NULL,
    at timestamp with time zone NOT NULL
);


--
-- Name: monitoring_status_subscribers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_status_subscribers (
    id bigint NOT NULL,
    email text,
    webhook_url text,
    language text DEFAULT 'de'::text NOT NULL,
    components jsonb,
    confirmed_at timestamp with time zone,
    confirmation_sent_at timestamp with time zone,
    created_at timestamp with time zone NOT NULL,
    CONSTRAINT monitoring_status_subscribers_check CHECK (((email IS NULL) <> (webhook_url IS NULL))),
    CONSTRAINT monitoring_status_subscribers_email_check CHECK ((email = lower(email))),
    CONSTRAINT monitoring_status_subscribers_language_check CHECK ((language = ANY (ARRAY['de'::text, 'en'::text])))
);


--
-- Name: monitoring_status_subscribers_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_status_subscribers ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.monitoring_status_subscribers_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: monitoring_traffic_buckets; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_traffic_buckets (
    grain text NOT NULL,
    at timestamp with time zone NOT NULL,
    deployment text DEFAULT ''::text NOT NULL,
    route text NOT NULL,
    requests bigint DEFAULT 0 NOT NULL,
    status_2xx bigint DEFAULT 0 NOT NULL,
    status_3xx bigint DEFAULT 0 NOT NULL,
    status_4xx bigint DEFAULT 0 NOT NULL,
    status_5xx bigint DEFAULT 0 NOT NULL,
    crashes bigint DEFAULT 0 NOT NULL,
    bytes bigint DEFAULT 0 NOT NULL,
    cache_hits bigint DEFAULT 0 NOT NULL,
    timed bigint DEFAULT 0 NOT NULL,
    duration_ms double precision DEFAULT 0 NOT NULL,
    latency bigint[] DEFAULT '{}'::bigint[] NOT NULL,
    failed bigint DEFAULT 0 NOT NULL,
    CONSTRAINT monitoring_traffic_buckets_deployment_check CHECK ((length(deployment) <= 64)),
    CONSTRAINT monitoring_traffic_buckets_grain_check CHECK ((grain = ANY (ARRAY['minute'::text, 'hour'::text, 'day'::text]))),
    CONSTRAINT monitoring_traffic_buckets_route_check CHECK ((length(route) <= 200))
);


--
-- Name: monitoring_traffic_deployments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_traffic_deployments (
    deployment text NOT NULL,
    first_seen timestamp with time zone DEFAULT now() NOT NULL,
    last_seen timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT monitoring_traffic_deployments_deployment_check CHECK ((length(deployment) <= 64))
);


--
-- Name: monitoring_traffic_routes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_traffic_routes (
    route text NOT NULL,
    first_seen timestamp with time zone DEFAULT now() NOT NULL,
    last_seen timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: monitoring_vercel_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_vercel_events (
    id text NOT NULL,
    type text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    received_at timestamp with time zone DEFAULT now() NOT NULL,
    deployment_id text,
    payload jsonb NOT NULL,
    CONSTRAINT monitoring_vercel_events_id_check CHECK (((length(id) >= 1) AND (length(id) <= 200))),
    CONSTRAINT monitoring_vercel_events_type_check CHECK ((type ~ '^[a-z][a-z0-9._-]{0,79}$'::text))
);


--
-- Name: monitoring_visitor_days; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_visitor_days (
    day date NOT NULL,
    visitors integer NOT NULL,
    sessions integer NOT NULL,
    closed_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: monitoring_visitor_hashes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_visitor_hashes (
    day date NOT NULL,
    kind text NOT NULL,
    hash bytea NOT NULL,
    CONSTRAINT monitoring_visitor_hashes_hash_check CHECK ((length(hash) = 8)),
    CONSTRAINT monitoring_visitor_hashes_kind_check CHECK ((kind = ANY (ARRAY['device'::text, 'session'::text])))
);


--
-- Name: monitoring_visitor_salts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_visitor_salts (
    day date NOT NULL,
    salt uuid DEFAULT gen_random_uuid() NOT NULL
);


--
-- Name: monitoring_web_vitals_hours; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.monitoring_web_vitals_hours (
    at timestamp with time zone NOT NULL,
    metric text NOT NULL,
    page text NOT NULL,
    samples bigint DEFAULT 0 NOT NULL,
    hist bigint[] DEFAULT '{}'::bigint[] NOT NULL,
    CONSTRAINT monitoring_web_vitals_hours_metric_check CHECK ((metric = ANY (ARRAY['LCP'::text, 'INP'::text, 'CLS'::text, 'FCP'::text, 'TTFB'::text, 'FID'::text]))),
    CONSTRAINT monitoring_web_vitals_hours_page_check CHECK ((length(page) <= 200))
);


--
-- Name: monitoring_alert_events monitoring_alert_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_alert_events
    ADD CONSTRAINT monitoring_alert_events_pkey PRIMARY KEY (id);


--
-- Name: monitoring_alerts monitoring_alerts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_alerts
    ADD CONSTRAINT monitoring_alerts_pkey PRIMARY KEY (rule);


--
-- Name: monitoring_analytics_hours monitoring_analytics_hours_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_analytics_hours
    ADD CONSTRAINT monitoring_analytics_hours_pkey PRIMARY KEY (grain, dimension, at, value);


--
-- Name: monitoring_cron_runs monitoring_cron_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_cron_runs
    ADD CONSTRAINT monitoring_cron_runs_pkey PRIMARY KEY (id);


--
-- Name: monitoring_daily_metrics monitoring_daily_metrics_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_daily_metrics
    ADD CONSTRAINT monitoring_daily_metrics_pkey PRIMARY KEY (day, metric);


--
-- Name: monitoring_deployments monitoring_deployments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_deployments
    ADD CONSTRAINT monitoring_deployments_pkey PRIMARY KEY (id);


--
-- Name: monitoring_drain_deliveries monitoring_drain_deliveries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_drain_deliveries
    ADD CONSTRAINT monitoring_drain_deliveries_pkey PRIMARY KEY (digest);


--
-- Name: monitoring_drain_requests monitoring_drain_requests_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_drain_requests
    ADD CONSTRAINT monitoring_drain_requests_pkey PRIMARY KEY (request_id, fact);


--
-- Name: monitoring_edge_hours monitoring_edge_hours_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_edge_hours
    ADD CONSTRAINT monitoring_edge_hours_pkey PRIMARY KEY (at, network, route);


--
-- Name: monitoring_health_checks monitoring_health_checks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_health_checks
    ADD CONSTRAINT monitoring_health_checks_pkey PRIMARY KEY (id);


--
-- Name: monitoring_heartbeats monitoring_heartbeats_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_heartbeats
    ADD CONSTRAINT monitoring_heartbeats_pkey PRIMARY KEY (name);


--
-- Name: monitoring_notifications monitoring_notifications_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_notifications
    ADD CONSTRAINT monitoring_notifications_pkey PRIMARY KEY (notification_id, channel);


--
-- Name: monitoring_ping_limits monitoring_ping_limits_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_ping_limits
    ADD CONSTRAINT monitoring_ping_limits_pkey PRIMARY KEY (key);


--
-- Name: monitoring_provider_refresh monitoring_provider_refresh_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_provider_refresh
    ADD CONSTRAINT monitoring_provider_refresh_pkey PRIMARY KEY (id);


--
-- Name: monitoring_provider_status monitoring_provider_status_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_provider_status
    ADD CONSTRAINT monitoring_provider_status_pkey PRIMARY KEY (provider);


--
-- Name: monitoring_reports monitoring_reports_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_reports
    ADD CONSTRAINT monitoring_reports_pkey PRIMARY KEY (kind, period);


--
-- Name: monitoring_status_deliveries monitoring_status_deliveries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_status_deliveries
    ADD CONSTRAINT monitoring_status_deliveries_pkey PRIMARY KEY (message, subscriber_id);


--
-- Name: monitoring_status_events monitoring_status_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_status_events
    ADD CONSTRAINT monitoring_status_events_pkey PRIMARY KEY (id);


--
-- Name: monitoring_status_subscribers monitoring_status_subscribers_email_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_status_subscribers
    ADD CONSTRAINT monitoring_status_subscribers_email_key UNIQUE (email);


--
-- Name: monitoring_status_subscribers monitoring_status_subscribers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_status_subscribers
    ADD CONSTRAINT monitoring_status_subscribers_pkey PRIMARY KEY (id);


--
-- Name: monitoring_status_subscribers monitoring_status_subscribers_webhook_url_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_status_subscribers
    ADD CONSTRAINT monitoring_status_subscribers_webhook_url_key UNIQUE (webhook_url);


--
-- Name: monitoring_traffic_buckets monitoring_traffic_buckets_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_traffic_buckets
    ADD CONSTRAINT monitoring_traffic_buckets_pkey PRIMARY KEY (grain, at, deployment, route);


--
-- Name: monitoring_traffic_deployments monitoring_traffic_deployments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_traffic_deployments
    ADD CONSTRAINT monitoring_traffic_deployments_pkey PRIMARY KEY (deployment);


--
-- Name: monitoring_traffic_routes monitoring_traffic_routes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_traffic_routes
    ADD CONSTRAINT monitoring_traffic_routes_pkey PRIMARY KEY (route);


--
-- Name: monitoring_vercel_events monitoring_vercel_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_vercel_events
    ADD CONSTRAINT monitoring_vercel_events_pkey PRIMARY KEY (id);


--
-- Name: monitoring_visitor_days monitoring_visitor_days_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_visitor_days
    ADD CONSTRAINT monitoring_visitor_days_pkey PRIMARY KEY (day);


--
-- Name: monitoring_visitor_hashes monitoring_visitor_hashes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_visitor_hashes
    ADD CONSTRAINT monitoring_visitor_hashes_pkey PRIMARY KEY (day, kind, hash);


--
-- Name: monitoring_visitor_salts monitoring_visitor_salts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_visitor_salts
    ADD CONSTRAINT monitoring_visitor_salts_pkey PRIMARY KEY (day);


--
-- Name: monitoring_web_vitals_hours monitoring_web_vitals_hours_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_web_vitals_hours
    ADD CONSTRAINT monitoring_web_vitals_hours_pkey PRIMARY KEY (at, metric, page);


--
-- Name: monitoring_alert_events_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX monitoring_alert_events_at ON public.monitoring_alert_events USING btree (at);


--
-- Name: monitoring_alert_events_episode; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX monitoring_alert_events_episode ON public.monitoring_alert_events USING btree (rule, episode_start);


--
-- Name: monitoring_cron_runs_job_time; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX monitoring_cron_runs_job_time ON public.monitoring_cron_runs USING btree (job, started_at DESC);


--
-- Name: monitoring_daily_metrics_metric_day; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX monitoring_daily_metrics_metric_day ON public.monitoring_daily_metrics USING btree (metric, day);


--
-- Name: monitoring_deployments_target_time; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX monitoring_deployments_target_time ON public.monitoring_deployments USING btree (target, created_at DESC);


--
-- Name: monitoring_drain_deliveries_kind_time; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX monitoring_drain_deliveries_kind_time ON public.monitoring_drain_deliveries USING btree (kind, received_at DESC);


--
-- Name: monitoring_drain_requests_seen; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX monitoring_drain_requests_seen ON public.monitoring_drain_requests USING btree (seen_at);


--
-- Name: monitoring_edge_hours_route_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX monitoring_edge_hours_route_at ON public.monitoring_edge_hours USING btree (route, at) INCLUDE (network, requests);


--
-- Name: monitoring_edge_hours_violations; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX monitoring_edge_hours_violations ON public.monitoring_edge_hours USING btree (at) INCLUDE (rate_limited, denied) WHERE ((rate_limited + denied) > 0);


--
-- Name: monitoring_health_checks_service_time; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX monitoring_health_checks_service_time ON public.monitoring_health_checks USING btree (service, checked_at DESC);


--
-- Name: monitoring_health_checks_time; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX monitoring_health_checks_time ON public.monitoring_health_checks USING btree (checked_at);


--
-- Name: monitoring_notifications_channel_time; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX monitoring_notifications_channel_time ON public.monitoring_notifications USING btree (channel, attempted_at DESC);


--
-- Name: monitoring_ping_limits_window; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX monitoring_ping_limits_window ON public.monitoring_ping_limits USING btree (window_start);


--
-- Name: monitoring_status_events_recent; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX monitoring_status_events_recent ON public.monitoring_status_events USING btree (updated_at DESC);


--
-- Name: monitoring_status_rate_key; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX monitoring_status_rate_key ON public.monitoring_status_rate USING btree (key, at);


--
-- Name: monitoring_vercel_events_created; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX monitoring_vercel_events_created ON public.monitoring_vercel_events USING btree (created_at);


--
-- Name: monitoring_vercel_events_type_time; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX monitoring_vercel_events_type_time ON public.monitoring_vercel_events USING btree (type, created_at DESC);


--
-- Name: monitoring_status_deliveries monitoring_status_deliveries_subscriber_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_status_deliveries
    ADD CONSTRAINT monitoring_status_deliveries_subscriber_id_fkey FOREIGN KEY (subscriber_id) REFERENCES public.monitoring_status_subscribers(id) ON DELETE CASCADE;


--
-- Name: monitoring_visitor_hashes monitoring_visitor_hashes_day_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.monitoring_visitor_hashes
    ADD CONSTRAINT monitoring_visitor_hashes_day_fkey FOREIGN KEY (day) REFERENCES public.monitoring_visitor_salts(day) ON DELETE CASCADE;


--
-- Name: monitoring_alert_events; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_alert_events ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_alerts; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_alerts ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_analytics_hours; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_analytics_hours ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_cron_runs; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_cron_runs ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_daily_metrics; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_daily_metrics ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_deployments; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_deployments ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_drain_deliveries; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_drain_deliveries ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_drain_requests; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_drain_requests ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_edge_hours; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_edge_hours ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_health_checks; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_health_checks ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_heartbeats; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_heartbeats ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_notifications; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_notifications ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_ping_limits; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_ping_limits ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_provider_refresh; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_provider_refresh ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_provider_status; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_provider_status ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_reports; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_reports ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_status_deliveries; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_status_deliveries ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_status_events; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_status_events ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_status_rate; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_status_rate ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_status_subscribers; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_status_subscribers ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_traffic_buckets; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_traffic_buckets ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_traffic_deployments; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_traffic_deployments ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_traffic_routes; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_traffic_routes ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_vercel_events; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_vercel_events ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_visitor_days; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_visitor_days ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_visitor_hashes; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_visitor_hashes ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_visitor_salts; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_visitor_salts ENABLE ROW LEVEL SECURITY;

--
-- Name: monitoring_web_vitals_hours; Type: ROW SECURITY; Schema: public; Owner: -
--

ALTER TABLE public.monitoring_web_vitals_hours ENABLE ROW LEVEL SECURITY;

--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA public TO service_role;


--
-- Name: FUNCTION monitoring_alert_cas(p_rule text, p_expected_version bigint, p_patch jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_alert_cas(p_rule text, p_expected_version bigint, p_patch jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_alert_cas(p_rule text, p_expected_version bigint, p_patch jsonb) TO service_role;


--
-- Name: FUNCTION monitoring_alert_episodes(p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_alert_episodes(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_alert_episodes(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_alert_transition(p_rule text, p_expected_version bigint, p_patch jsonb, p_event jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_alert_transition(p_rule text, p_expected_version bigint, p_patch jsonb, p_event jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_alert_transition(p_rule text, p_expected_version bigint, p_patch jsonb, p_event jsonb) TO service_role;


--
-- Name: FUNCTION monitoring_alerts_list(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_alerts_list() FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_alerts_list() TO service_role;


--
-- Name: FUNCTION monitoring_analytics_ingest(p_digest text, p_records integer, p_rows jsonb, p_ids jsonb, p_close_before date); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_analytics_ingest(p_digest text, p_records integer, p_rows jsonb, p_ids jsonb, p_close_before date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_analytics_ingest(p_digest text, p_records integer, p_rows jsonb, p_ids jsonb, p_close_before date) TO service_role;


--
-- Name: FUNCTION monitoring_analytics_summary(p_start timestamp with time zone, p_end timestamp with time zone, p_top integer, p_grain text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_analytics_summary(p_start timestamp with time zone, p_end timestamp with time zone, p_top integer, p_grain text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_analytics_summary(p_start timestamp with time zone, p_end timestamp with time zone, p_top integer, p_grain text) TO service_role;


--
-- Name: FUNCTION monitoring_check_states(p_prefix text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_check_states(p_prefix text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_check_states(p_prefix text) TO service_role;


--
-- Name: FUNCTION monitoring_checks_since(p_service text, p_since timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_checks_since(p_service text, p_since timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_checks_since(p_service text, p_since timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_console_facts(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_console_facts() FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_console_facts() TO service_role;


--
-- Name: FUNCTION monitoring_count_rows(p_table text, p_column text, p_from timestamp with time zone, p_to timestamp with time zone, p_filter_column text, p_filter_value text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_count_rows(p_table text, p_column text, p_from timestamp with time zone, p_to timestamp with time zone, p_filter_column text, p_filter_value text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_count_rows(p_table text, p_column text, p_from timestamp with time zone, p_to timestamp with time zone, p_filter_column text, p_filter_value text) TO service_role;


--
-- Name: FUNCTION monitoring_cron_finish(p_id bigint, p_outcome text, p_error text, p_summary jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_cron_finish(p_id bigint, p_outcome text, p_error text, p_summary jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_cron_finish(p_id bigint, p_outcome text, p_error text, p_summary jsonb) TO service_role;


--
-- Name: FUNCTION monitoring_cron_start(p_job text, p_max_duration_s integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_cron_start(p_job text, p_max_duration_s integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_cron_start(p_job text, p_max_duration_s integer) TO service_role;


--
-- Name: FUNCTION monitoring_cron_status(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_cron_status() FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_cron_status() TO service_role;


--
-- Name: FUNCTION monitoring_database_stats(p_slow_ms double precision); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_database_stats(p_slow_ms double precision) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_database_stats(p_slow_ms double precision) TO service_role;


--
-- Name: FUNCTION monitoring_deployment(p_id text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_deployment(p_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_deployment(p_id text) TO service_role;


--
-- Name: FUNCTION monitoring_deployment_counts(p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_deployment_counts(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_deployment_counts(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_down_since(p_service text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_down_since(p_service text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_down_since(p_service text) TO service_role;


--
-- Name: FUNCTION monitoring_first_data(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_first_data() FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_first_data() TO service_role;


--
-- Name: FUNCTION monitoring_health_check_read(p_now timestamp with time zone, p_days jsonb, p_checks_since timestamp with time zone, p_events_since timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_health_check_read(p_now timestamp with time zone, p_days jsonb, p_checks_since timestamp with time zone, p_events_since timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_health_check_read(p_now timestamp with time zone, p_days jsonb, p_checks_since timestamp with time zone, p_events_since timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_health_check_write(p_checks jsonb, p_providers jsonb, p_prune_before timestamp with time zone, p_minutes_before timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_health_check_write(p_checks jsonb, p_providers jsonb, p_prune_before timestamp with time zone, p_minutes_before timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_health_check_write(p_checks jsonb, p_providers jsonb, p_prune_before timestamp with time zone, p_minutes_before timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_heartbeat_ping(p_key text, p_name text, p_kind text, p_exit_code integer, p_body text, p_now timestamp with time zone, p_limit integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_heartbeat_ping(p_key text, p_name text, p_kind text, p_exit_code integer, p_body text, p_now timestamp with time zone, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_heartbeat_ping(p_key text, p_name text, p_kind text, p_exit_code integer, p_body text, p_now timestamp with time zone, p_limit integer) TO service_role;


--
-- Name: FUNCTION monitoring_heartbeat_states(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_heartbeat_states() FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_heartbeat_states() TO service_role;


--
-- Name: FUNCTION monitoring_hist_add(a bigint[], b bigint[]); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_hist_add(a bigint[], b bigint[]) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_hist_add(a bigint[], b bigint[]) TO service_role;


--
-- Name: FUNCTION monitoring_hist_sums(p_column text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_hist_sums(p_column text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_hist_sums(p_column text) TO service_role;


--
-- Name: FUNCTION monitoring_last_check_before(p_before timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_last_check_before(p_before timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_last_check_before(p_before timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_latest_checks(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_latest_checks() FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_latest_checks() TO service_role;


--
-- Name: FUNCTION monitoring_log_ingest(p_edge jsonb, p_digest text, p_kind text, p_records integer, p_traffic jsonb, p_vitals jsonb, p_requests jsonb, p_claims jsonb, p_max_routes integer, p_max_deployments integer, p_idle_days integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_log_ingest(p_edge jsonb, p_digest text, p_kind text, p_records integer, p_traffic jsonb, p_vitals jsonb, p_requests jsonb, p_claims jsonb, p_max_routes integer, p_max_deployments integer, p_idle_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_log_ingest(p_edge jsonb, p_digest text, p_kind text, p_records integer, p_traffic jsonb, p_vitals jsonb, p_requests jsonb, p_claims jsonb, p_max_routes integer, p_max_deployments integer, p_idle_days integer) TO service_role;


--
-- Name: FUNCTION monitoring_metric_days(p_from date, p_to date); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_metric_days(p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_metric_days(p_from date, p_to date) TO service_role;


--
-- Name: FUNCTION monitoring_metric_series(p_metric text, p_from date, p_to date); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_metric_series(p_metric text, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_metric_series(p_metric text, p_from date, p_to date) TO service_role;


--
-- Name: FUNCTION monitoring_metric_series_many(p_metrics jsonb, p_from date, p_to date); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_metric_series_many(p_metrics jsonb, p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_metric_series_many(p_metrics jsonb, p_from date, p_to date) TO service_role;


--
-- Name: FUNCTION monitoring_metrics_of_day(p_day date); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_metrics_of_day(p_day date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_metrics_of_day(p_day date) TO service_role;


--
-- Name: FUNCTION monitoring_notification_claims(p_items jsonb, p_channel text, p_now timestamp with time zone, p_lease_s integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_notification_claims(p_items jsonb, p_channel text, p_now timestamp with time zone, p_lease_s integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_notification_claims(p_items jsonb, p_channel text, p_now timestamp with time zone, p_lease_s integer) TO service_role;


--
-- Name: FUNCTION monitoring_notification_done(p_id text, p_channel text, p_now timestamp with time zone, p_error text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_notification_done(p_id text, p_channel text, p_now timestamp with time zone, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_notification_done(p_id text, p_channel text, p_now timestamp with time zone, p_error text) TO service_role;


--
-- Name: FUNCTION monitoring_notifications_last(p_channel text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_notifications_last(p_channel text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_notifications_last(p_channel text) TO service_role;


--
-- Name: FUNCTION monitoring_ping(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_ping() FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_ping() TO service_role;


--
-- Name: FUNCTION monitoring_privacy_facts(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_privacy_facts() FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_privacy_facts() TO service_role;


--
-- Name: FUNCTION monitoring_provider_claim(p_now timestamp with time zone, p_interval_s integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_provider_claim(p_now timestamp with time zone, p_interval_s integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_provider_claim(p_now timestamp with time zone, p_interval_s integer) TO service_role;


--
-- Name: FUNCTION monitoring_provider_record(p_rows jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_provider_record(p_rows jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_provider_record(p_rows jsonb) TO service_role;


--
-- Name: FUNCTION monitoring_provider_statuses(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_provider_statuses() FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_provider_statuses() TO service_role;


--
-- Name: FUNCTION monitoring_prune_checks(p_before timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_prune_checks(p_before timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_prune_checks(p_before timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_prune_notifications(p_before timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_prune_notifications(p_before timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_prune_notifications(p_before timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_prune_traffic_minutes(p_before timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_prune_traffic_minutes(p_before timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_prune_traffic_minutes(p_before timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_recent_deployments(p_target text, p_limit integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_recent_deployments(p_target text, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_recent_deployments(p_target text, p_limit integer) TO service_role;


--
-- Name: FUNCTION monitoring_record_checks(p_checks jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_record_checks(p_checks jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_record_checks(p_checks jsonb) TO service_role;


--
-- Name: FUNCTION monitoring_report_claim_send(p_kind text, p_period text, p_force boolean, p_lease_s integer, p_seen_sent_at timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_report_claim_send(p_kind text, p_period text, p_force boolean, p_lease_s integer, p_seen_sent_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_report_claim_send(p_kind text, p_period text, p_force boolean, p_lease_s integer, p_seen_sent_at timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_report_counts(p_counts jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_report_counts(p_counts jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_report_counts(p_counts jsonb) TO service_role;


--
-- Name: FUNCTION monitoring_report_cron_runs(p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_report_cron_runs(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_report_cron_runs(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_report_get(p_kind text, p_period text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_report_get(p_kind text, p_period text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_report_get(p_kind text, p_period text) TO service_role;


--
-- Name: FUNCTION monitoring_report_metrics(p_from date, p_to date); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_report_metrics(p_from date, p_to date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_report_metrics(p_from date, p_to date) TO service_role;


--
-- Name: FUNCTION monitoring_report_retention(p_table text, p_id_column text, p_column text, p_prev_from timestamp with time zone, p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_report_retention(p_table text, p_id_column text, p_column text, p_prev_from timestamp with time zone, p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_report_retention(p_table text, p_id_column text, p_column text, p_prev_from timestamp with time zone, p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_report_save(p_kind text, p_period text, p_headline text, p_body jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_report_save(p_kind text, p_period text, p_headline text, p_body jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_report_save(p_kind text, p_period text, p_headline text, p_body jsonb) TO service_role;


--
-- Name: FUNCTION monitoring_report_sent(p_kind text, p_period text, p_email_id text, p_error text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_report_sent(p_kind text, p_period text, p_email_id text, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_report_sent(p_kind text, p_period text, p_email_id text, p_error text) TO service_role;


--
-- Name: FUNCTION monitoring_report_uptime(p_windows jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_report_uptime(p_windows jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_report_uptime(p_windows jsonb) TO service_role;


--
-- Name: FUNCTION monitoring_reports_unsent(p_kind text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_reports_unsent(p_kind text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_reports_unsent(p_kind text) TO service_role;


--
-- Name: FUNCTION monitoring_restrict_to_service_role(p_function regprocedure); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_restrict_to_service_role(p_function regprocedure) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_restrict_to_service_role(p_function regprocedure) TO service_role;


--
-- Name: FUNCTION monitoring_schema_versions(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_schema_versions() FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_schema_versions() TO service_role;


--
-- Name: FUNCTION monitoring_status_add_webhook(p_url text, p_components jsonb, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_status_add_webhook(p_url text, p_components jsonb, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_status_add_webhook(p_url text, p_components jsonb, p_now timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_status_claim(p_message text, p_components jsonb, p_not_after timestamp with time zone, p_now timestamp with time zone, p_limit integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_status_claim(p_message text, p_components jsonb, p_not_after timestamp with time zone, p_now timestamp with time zone, p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_status_claim(p_message text, p_components jsonb, p_not_after timestamp with time zone, p_now timestamp with time zone, p_limit integer) TO service_role;


--
-- Name: FUNCTION monitoring_status_confirm(p_id bigint, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_status_confirm(p_id bigint, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_status_confirm(p_id bigint, p_now timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_status_delivered(p_message text, p_ids jsonb, p_sent boolean, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_status_delivered(p_message text, p_ids jsonb, p_sent boolean, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_status_delivered(p_message text, p_ids jsonb, p_sent boolean, p_now timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_status_event_get(p_id text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_status_event_get(p_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_status_event_get(p_id text) TO service_role;


--
-- Name: FUNCTION monitoring_status_event_put(p_event jsonb, p_expected_version integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_status_event_put(p_event jsonb, p_expected_version integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_status_event_put(p_event jsonb, p_expected_version integer) TO service_role;


--
-- Name: FUNCTION monitoring_status_events_since(p_since timestamp with time zone, p_published_only boolean); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_status_events_since(p_since timestamp with time zone, p_published_only boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_status_events_since(p_since timestamp with time zone, p_published_only boolean) TO service_role;


--
-- Name: FUNCTION monitoring_status_page(p_now timestamp with time zone, p_timezone text, p_history_days integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_status_page(p_now timestamp with time zone, p_timezone text, p_history_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_status_page(p_now timestamp with time zone, p_timezone text, p_history_days integer) TO service_role;


--
-- Name: FUNCTION monitoring_status_preferences(p_id bigint, p_language text, p_components jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_status_preferences(p_id bigint, p_language text, p_components jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_status_preferences(p_id bigint, p_language text, p_components jsonb) TO service_role;


--
-- Name: FUNCTION monitoring_status_prune(p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_status_prune(p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_status_prune(p_now timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_status_rate_hit(p_keys jsonb, p_now timestamp with time zone, p_window_s integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_status_rate_hit(p_keys jsonb, p_now timestamp with time zone, p_window_s integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_status_rate_hit(p_keys jsonb, p_now timestamp with time zone, p_window_s integer) TO service_role;


--
-- Name: FUNCTION monitoring_status_subscribe(p_email text, p_language text, p_components jsonb, p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_status_subscribe(p_email text, p_language text, p_components jsonb, p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_status_subscribe(p_email text, p_language text, p_components jsonb, p_now timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_status_subscriber(p_id bigint); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_status_subscriber(p_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_status_subscriber(p_id bigint) TO service_role;


--
-- Name: FUNCTION monitoring_status_summary(p_now timestamp with time zone, p_timezone text, p_history_days integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_status_summary(p_now timestamp with time zone, p_timezone text, p_history_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_status_summary(p_now timestamp with time zone, p_timezone text, p_history_days integer) TO service_role;


--
-- Name: FUNCTION monitoring_status_summary_with_incidents(p_now timestamp with time zone, p_timezone text, p_history_days integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_status_summary_with_incidents(p_now timestamp with time zone, p_timezone text, p_history_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_status_summary_with_incidents(p_now timestamp with time zone, p_timezone text, p_history_days integer) TO service_role;


--
-- Name: FUNCTION monitoring_status_unsubscribe(p_id bigint, p_email text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_status_unsubscribe(p_id bigint, p_email text) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_status_unsubscribe(p_id bigint, p_email text) TO service_role;


--
-- Name: FUNCTION monitoring_storage_present(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_storage_present() FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_storage_present() TO service_role;


--
-- Name: FUNCTION monitoring_storage_usage(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_storage_usage() FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_storage_usage() TO service_role;


--
-- Name: FUNCTION monitoring_traffic_availability(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_traffic_availability() FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_traffic_availability() TO service_role;


--
-- Name: FUNCTION monitoring_traffic_ingest(p_digest text, p_kind text, p_records integer, p_traffic jsonb, p_vitals jsonb, p_requests jsonb, p_claims jsonb, p_max_routes integer, p_max_deployments integer, p_idle_days integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_traffic_ingest(p_digest text, p_kind text, p_records integer, p_traffic jsonb, p_vitals jsonb, p_requests jsonb, p_claims jsonb, p_max_routes integer, p_max_deployments integer, p_idle_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_traffic_ingest(p_digest text, p_kind text, p_records integer, p_traffic jsonb, p_vitals jsonb, p_requests jsonb, p_claims jsonb, p_max_routes integer, p_max_deployments integer, p_idle_days integer) TO service_role;


--
-- Name: FUNCTION monitoring_traffic_last_received(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_traffic_last_received() FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_traffic_last_received() TO service_role;


--
-- Name: FUNCTION monitoring_traffic_slots(p_kind text, p_claimed text[], p_max integer, p_idle_days integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_traffic_slots(p_kind text, p_claimed text[], p_max integer, p_idle_days integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_traffic_slots(p_kind text, p_claimed text[], p_max integer, p_idle_days integer) TO service_role;


--
-- Name: FUNCTION monitoring_traffic_summary(p_grain text, p_from timestamp with time zone, p_to timestamp with time zone, p_deployment text, p_step_s integer); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_traffic_summary(p_grain text, p_from timestamp with time zone, p_to timestamp with time zone, p_deployment text, p_step_s integer) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_traffic_summary(p_grain text, p_from timestamp with time zone, p_to timestamp with time zone, p_deployment text, p_step_s integer) TO service_role;


--
-- Name: FUNCTION monitoring_upsert_daily_metrics(p_rows jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_upsert_daily_metrics(p_rows jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_upsert_daily_metrics(p_rows jsonb) TO service_role;


--
-- Name: FUNCTION monitoring_uptime(p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_uptime(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_uptime(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_vercel_event(p_event jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_vercel_event(p_event jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_vercel_event(p_event jsonb) TO service_role;


--
-- Name: FUNCTION monitoring_vercel_events_since(p_types jsonb, p_since timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_vercel_events_since(p_types jsonb, p_since timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_vercel_events_since(p_types jsonb, p_since timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_visitor_close(p_before date); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_visitor_close(p_before date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_visitor_close(p_before date) TO service_role;


--
-- Name: FUNCTION monitoring_visitor_day(p_day date, p_start timestamp with time zone, p_end timestamp with time zone, p_close_before date); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_visitor_day(p_day date, p_start timestamp with time zone, p_end timestamp with time zone, p_close_before date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_visitor_day(p_day date, p_start timestamp with time zone, p_end timestamp with time zone, p_close_before date) TO service_role;


--
-- Name: FUNCTION monitoring_visitor_signals(p_now timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_visitor_signals(p_now timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_visitor_signals(p_now timestamp with time zone) TO service_role;


--
-- Name: FUNCTION monitoring_web_vitals_window(p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.monitoring_web_vitals_window(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION public.monitoring_web_vitals_window(p_from timestamp with time zone, p_to timestamp with time zone) TO service_role;


--
-- Name: TABLE monitoring_alert_events; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_alert_events TO service_role;


--
-- Name: SEQUENCE monitoring_alert_events_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.monitoring_alert_events_id_seq TO service_role;


--
-- Name: TABLE monitoring_alerts; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_alerts TO service_role;


--
-- Name: TABLE monitoring_analytics_hours; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_analytics_hours TO service_role;


--
-- Name: TABLE monitoring_cron_runs; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_cron_runs TO service_role;


--
-- Name: TABLE monitoring_daily_metrics; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_daily_metrics TO service_role;


--
-- Name: TABLE monitoring_deployments; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_deployments TO service_role;


--
-- Name: TABLE monitoring_drain_deliveries; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_drain_deliveries TO service_role;


--
-- Name: TABLE monitoring_drain_requests; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_drain_requests TO service_role;


--
-- Name: TABLE monitoring_edge_hours; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_edge_hours TO service_role;


--
-- Name: TABLE monitoring_health_checks; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_health_checks TO service_role;


--
-- Name: TABLE monitoring_heartbeats; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_heartbeats TO service_role;


--
-- Name: TABLE monitoring_notifications; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_notifications TO service_role;


--
-- Name: TABLE monitoring_ping_limits; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_ping_limits TO service_role;


--
-- Name: TABLE monitoring_provider_refresh; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_provider_refresh TO service_role;


--
-- Name: TABLE monitoring_provider_status; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_provider_status TO service_role;


--
-- Name: TABLE monitoring_reports; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_reports TO service_role;


--
-- Name: TABLE monitoring_status_deliveries; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_status_deliveries TO service_role;


--
-- Name: TABLE monitoring_status_events; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_status_events TO service_role;


--
-- Name: TABLE monitoring_status_rate; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_status_rate TO service_role;


--
-- Name: TABLE monitoring_status_subscribers; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_status_subscribers TO service_role;


--
-- Name: SEQUENCE monitoring_status_subscribers_id_seq; Type: ACL; Schema: public; Owner: -
--

GRANT USAGE ON SEQUENCE public.monitoring_status_subscribers_id_seq TO service_role;


--
-- Name: TABLE monitoring_traffic_buckets; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_traffic_buckets TO service_role;


--
-- Name: TABLE monitoring_traffic_deployments; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_traffic_deployments TO service_role;


--
-- Name: TABLE monitoring_traffic_routes; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_traffic_routes TO service_role;


--
-- Name: TABLE monitoring_vercel_events; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_vercel_events TO service_role;


--
-- Name: TABLE monitoring_visitor_days; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_visitor_days TO service_role;


--
-- Name: TABLE monitoring_visitor_hashes; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_visitor_hashes TO service_role;


--
-- Name: TABLE monitoring_visitor_salts; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_visitor_salts TO service_role;


--
-- Name: TABLE monitoring_web_vitals_hours; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE public.monitoring_web_vitals_hours TO service_role;


--
-- PostgreSQL database dump complete
--
