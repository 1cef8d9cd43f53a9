-- The store asked once per health-check run (issue 24): one read of everything the rules need and
-- one write of the run's results, each one call (lib/store/run.py). They compose the functions
-- that answer the same questions one at a time, so each answer means what it meant before.

-- Everything a health-check run reads, as of before it writes: the alert rows, the daily metrics
-- of p_days, per service with any check its checks since p_checks_since and the start of its
-- current failure streak (p_days: a JSON array of ISO dates), when the last check before p_now
-- was recorded, the cron jobs, when
-- each drain last delivered, the stored provider statuses.
create function public.monitoring_health_check_read(p_now timestamptz, p_days jsonb,
                                                    p_checks_since timestamptz)
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
        'provider_statuses', public.monitoring_provider_statuses())
$$;

select public.monitoring_restrict_to_service_role(
    'public.monitoring_health_check_read(timestamptz, jsonb, timestamptz)'::regprocedure);

-- Everything a health-check run writes, all or nothing: its check rows, the provider statuses
-- it refreshed (p_providers null: not refreshed this run, the stored ones stay), and the pruning
-- of checks and notification rows older than p_prune_before and minute buckets older than
-- p_minutes_before.
create function public.monitoring_health_check_write(p_checks jsonb, p_providers jsonb,
                                                     p_prune_before timestamptz,
                                                     p_minutes_before timestamptz)
returns jsonb
language plpgsql volatile as $$
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

select public.monitoring_restrict_to_service_role(
    'public.monitoring_health_check_write(jsonb, jsonb, timestamptz, timestamptz)'::regprocedure);
