-- Which migrations this database has: the versions recorded in supabase_migrations.schema_migrations
-- (filled by both `supabase db push` and `python -m lib migrate`), so the code can tell a missing
-- or older schema from a database that is down. Over PostgREST that schema is not exposed, and
-- service_role may not read it on Supabase: hence a security definer function owned by the
-- migrating role, with an empty search_path so nothing it names can be shadowed.

-- null when the bookkeeping table does not exist (the SQL was pasted into an editor by hand):
-- the code then cannot tell the version and does not guess.
create function public.monitoring_schema_versions() returns jsonb
language plpgsql stable security definer set search_path = '' as $$
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

-- Privileges as in the store migration: only service_role (and the owner) may call it.
do $$
begin
    revoke all on function public.monitoring_schema_versions() from public;
    if exists (select 1 from pg_roles where rolname = 'anon') then
        revoke all on function public.monitoring_schema_versions() from anon;
    end if;
    if exists (select 1 from pg_roles where rolname = 'authenticated') then
        revoke all on function public.monitoring_schema_versions() from authenticated;
    end if;
    if exists (select 1 from pg_roles where rolname = 'service_role') then
        grant execute on function public.monitoring_schema_versions() to service_role;
    end if;
end
$$;
