-- Resilience (issue 18): what the health check needs to record a store outage once the store is back.
-- While the store is unreachable nothing can be written, so the outage shows as a gap in
-- monitoring_health_checks: the first run that reaches the store again asks when the last check
-- before it was recorded.

-- The newest check recorded before p_before (any service): one backward step of the time index.
create function public.monitoring_last_check_before(p_before timestamptz) returns timestamptz
language sql stable as $$
    select max(checked_at) from public.monitoring_health_checks where checked_at < p_before
$$;

-- Privileges as in the store migration: only service_role (and the owner) may call it.
do $$
begin
    revoke all on function public.monitoring_last_check_before(timestamptz) from public;
    if exists (select 1 from pg_roles where rolname = 'anon') then
        revoke all on function public.monitoring_last_check_before(timestamptz) from anon;
    end if;
    if exists (select 1 from pg_roles where rolname = 'authenticated') then
        revoke all on function public.monitoring_last_check_before(timestamptz) from authenticated;
    end if;
    if exists (select 1 from pg_roles where rolname = 'service_role') then
        grant execute on function public.monitoring_last_check_before(timestamptz) to service_role;
    end if;
end
$$;
