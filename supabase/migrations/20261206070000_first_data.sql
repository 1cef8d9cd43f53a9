-- When each store-fed daily metric source first had data (docs/metrics.md, "Absent or 0").
-- A day that ended before a source's first data is left absent by the daily metrics run, never
-- written as 0: before the first Vercel webhook there were no deployments to count, only no
-- webhook. Computed from the rows themselves, so there is nothing to keep in step on ingest.
-- Health checks are pruned after 90 days and hour buckets after 35: for those the oldest row
-- left is "first" too, and the run skips days older than the retention on its own.

-- min(created_at) over every event type (the existing index leads with the type).
create index monitoring_vercel_events_created on public.monitoring_vercel_events (created_at);

-- {"health_checks", "vercel_webhooks", "vercel_drains", "vercel_drain_requests"}: the oldest
-- stored check, webhook event (its own createdAt), hour of any drain (logs, traces or Speed
-- Insights), and hour bucket with logged requests; null where there is none.
create function public.monitoring_first_data() returns jsonb
language sql stable as $$
    select jsonb_build_object(
        'health_checks', (select min(checked_at) from public.monitoring_health_checks),
        'vercel_webhooks', (select min(created_at) from public.monitoring_vercel_events),
        'vercel_drains', least((select min(at) from public.monitoring_traffic_buckets
                                where grain = 'hour'),
                               (select min(at) from public.monitoring_web_vitals_hours)),
        'vercel_drain_requests', (select min(at) from public.monitoring_traffic_buckets
                                  where grain = 'hour' and requests > 0))
$$;

select public.monitoring_restrict_to_service_role('public.monitoring_first_data()'::regprocedure);
