-- Provider status keeps the maintenance each provider announces (upcoming or under way) apart from
-- its open incidents: a maintenance that is only scheduled is not an incident (issue 22).
alter table public.monitoring_provider_status
    add column maintenances jsonb not null default '[]'::jsonb;  -- [{name, status, scheduled_for, ...}]

-- As before (20261203130000_deployments.sql), with `maintenances`: a provider whose page failed
-- (ok = false) keeps its last known incidents and maintenance; providers not in p_rows are removed.
create or replace function public.monitoring_provider_record(p_rows jsonb) returns integer
language plpgsql volatile as $$
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

select public.monitoring_restrict_to_service_role('public.monitoring_provider_record(jsonb)'::regprocedure);
