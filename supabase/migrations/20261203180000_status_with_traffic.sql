-- /api/status stays one statement: the summary with its incident history (reports migration)
-- and CarBot's own availability from real traffic (traffic migration).

create function public.monitoring_status_page(
    p_now timestamptz, p_timezone text, p_history_days integer
) returns jsonb
language sql stable as $$
    select public.monitoring_status_summary_with_incidents(p_now, p_timezone, p_history_days)
           || jsonb_build_object('traffic', public.monitoring_traffic_availability())
$$;

revoke all on function public.monitoring_status_page(timestamptz, text, integer) from public;
do $$
declare
    role_name text;
begin
    for role_name in select rolname from pg_roles where rolname in ('anon', 'authenticated') loop
        execute format('revoke all on function public.monitoring_status_page(timestamptz, text, integer) from %I', role_name);
    end loop;
    if exists (select 1 from pg_roles where rolname = 'service_role') then
        grant execute on function public.monitoring_status_page(timestamptz, text, integer) to service_role;
    end if;
end
$$;
