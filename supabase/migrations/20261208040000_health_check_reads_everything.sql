-- The health check's one read also answers what the later features ask every run: the published
-- incidents and maintenance windows touched since p_events_since (maintenance muting, subscriber
-- mails) and the edge and visitor signals of the security and capacity rules. Without them a
-- quiet run made four more store calls than the eight it may make.

drop function public.monitoring_health_check_read(timestamptz, jsonb, timestamptz);

create function public.monitoring_health_check_read(p_now timestamptz, p_days jsonb,
                                                    p_checks_since timestamptz,
                                                    p_events_since timestamptz)
returns jsonb
language sql stable as $$
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

select public.monitoring_restrict_to_service_role(
    'public.monitoring_health_check_read(timestamptz, jsonb, timestamptz, timestamptz)'::regprocedure);
