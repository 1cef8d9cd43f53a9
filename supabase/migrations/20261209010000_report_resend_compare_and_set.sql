-- A deliberate resend (`?week=` / `?month=`) claimed with `p_force` alone could send twice when
-- two such requests overlapped but did not overlap their claims: the first sent and released the
-- claim, the second then forced its own send (CI saw two "sent" for one week). A forced claim now
-- also compares `sent_at` with what its run read at the start (`p_seen_sent_at`): it resends only
-- if nobody sent the period since, so two requests for one resend send one e-mail, while a later
-- resend (which reads the newer `sent_at`) still goes out. No clocks are compared.

drop function public.monitoring_report_claim_send(text, text, boolean, integer);

create function public.monitoring_report_claim_send(p_kind text, p_period text, p_force boolean,
                                                    p_lease_s integer,
                                                    p_seen_sent_at timestamptz default null)
returns boolean
language sql volatile as $$
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

select public.monitoring_restrict_to_service_role(
    'public.monitoring_report_claim_send(text, text, boolean, integer, timestamptz)'::regprocedure);
