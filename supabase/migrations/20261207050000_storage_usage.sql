-- Supabase Storage usage per bucket, counted in SQL from storage.objects (docs/metrics.md,
-- "Supabase Storage"); the daily metrics read it, never the rows. A database without Supabase
-- Storage (no storage.objects) has nothing to count: the source is skipped with that reason.
-- The size is Storage's own `metadata->>'size'` in bytes, as storage.get_size_by_bucket() sums it
-- (supabase/storage migrations/tenant/0006-change-column-name-in-get-size.sql, bigint since
-- 0036-use-big-int-for-size-function.sql). Invoker's rights: the caller needs SELECT on
-- storage.objects (Supabase grants it to service_role and postgres).

create function public.monitoring_storage_present() returns boolean
language sql stable as $$
    select to_regclass('storage.objects') is not null
$$;

select public.monitoring_restrict_to_service_role('public.monitoring_storage_present()'::regprocedure);

-- {"<bucket_id>": {"bytes": n, "objects": n}}, {} for a Storage without objects, null when
-- storage.objects does not exist. Dynamic SQL: the function is created before (or without) it.
create function public.monitoring_storage_usage() returns jsonb
language plpgsql stable as $$
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
$$;

select public.monitoring_restrict_to_service_role('public.monitoring_storage_usage()'::regprocedure);
