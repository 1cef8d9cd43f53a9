-- Operator console (SPEC §11): several metrics' series in one call (the dashboard, CSV export)
-- and the database facts the setup doctor reports on.

-- Several metrics' series over [p_from, p_to] in one round trip: {"metric": [{"day","value"}]}.
-- p_metrics is a JSON array of names (both store transports send arguments as JSON).
-- One jsonb value, not rows: PostgREST's 1,000-row cap does not cut a year of 30 metrics.
create function public.monitoring_metric_series_many(p_metrics jsonb, p_from date, p_to date)
returns jsonb
language sql stable as $$
    select coalesce(jsonb_object_agg(metric, points), '{}'::jsonb)
    from (
        select metric, jsonb_agg(jsonb_build_object('day', day, 'value', value) order by day)
                           as points
        from public.monitoring_daily_metrics
        where metric in (select jsonb_array_elements_text(p_metrics)) and day between p_from and p_to
        group by metric
    ) per_metric
$$;

-- What the doctor checks in the database: is pg_stat_statements installed, which migrations are
-- recorded as applied (supabase_migrations.schema_migrations, written by `supabase db push` and
-- `python -m lib migrate`; null when that table does not exist). Security definer: service_role
-- cannot read the supabase_migrations schema itself; the empty search_path keeps it safe.
create function public.monitoring_console_facts() returns jsonb
language plpgsql stable security definer set search_path = '' as $$
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

-- Privileges as in the store migration: only service_role (and the owner) may call them.
do $$
declare
    fn text;
    role_name text;
begin
    foreach fn in array array['public.monitoring_metric_series_many(jsonb, date, date)',
                              'public.monitoring_console_facts()'] loop
        execute format('revoke all on function %s from public', fn);
        for role_name in select rolname from pg_roles where rolname in ('anon', 'authenticated') loop
            execute format('revoke all on function %s from %I', fn, role_name);
        end loop;
        if exists (select 1 from pg_roles where rolname = 'service_role') then
            execute format('grant execute on function %s to service_role', fn);
        end if;
    end loop;
end
$$;
