"""Doctor checks on the configuration: management token, Stripe webhooks, alerts, secrets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import SecretStr

from lib.core.config import ConfigError
from lib.doctor.base import DoctorContext, Finding
from lib.platform.management import not_configured, token_status

MIN_SECRET = 32
STRIPE_BUDGET_S = 4.0
# The secrets the guide's setup needs (docs/configuration.md, environment variables).
SECRETS = ("health_token", "cron_secret", "vercel_drain_secret", "vercel_webhook_secret")


def management_token(ctx: DoctorContext) -> Finding:
    """The Supabase Management API accepts SUPABASE_ACCESS_TOKEN (lib.platform)."""
    word = token_status(ctx.settings)
    fix = "create a token at supabase.com/dashboard/account/tokens; set SUPABASE_ACCESS_TOKEN"
    unset = not_configured(ctx.settings)
    if unset is not None:  # the token's fix says where to create one
        token = "SUPABASE_ACCESS_TOKEN" in unset.settings
        return Finding.unset(unset, "warn", fix if token else None)
    found = {
        "ok": Finding(status="pass", evidence="management token accepted"),
        "rejected": Finding(status="fail", evidence="management token rejected", fix=fix),
        "unreachable": Finding(
            status="warn",
            evidence="Supabase Management API unreachable",
            fix="check SUPABASE_API_URL and https://status.supabase.com",
        ),
    }
    return found.get(word, Finding(status="warn", evidence=f"token status {word!r}"))


def stripe_webhooks(ctx: DoctorContext) -> Finding:
    """Webhook endpoints enabled and no failed deliveries in 24 h (live, like the probe)."""
    from lib.probes import Level, run_probes_sync
    from lib.probes.stripe_webhooks import StripeWebhooksProbe

    probe = StripeWebhooksProbe()
    if (unset := probe.not_configured(ctx.settings)) is not None:
        return Finding.unset(unset, "not_applicable")
    result = run_probes_sync([probe], ctx.settings, STRIPE_BUDGET_S)["stripe"]
    endpoints = result.details.get("webhook_endpoints") or []
    failed = result.details.get("failed_webhook_deliveries")
    seen = f"{len(endpoints)} endpoint(s)"  # type: ignore[arg-type]
    if failed is not None:
        seen += f", {failed} failed deliveries in 24 h"
    if result.level == Level.OK:
        return Finding(status="pass", evidence=seen)
    if result.level == Level.DEGRADED:
        return Finding(
            status="warn",
            evidence=result.reason or seen,
            fix="re-enable endpoints and retry failed deliveries (Stripe > Developers > Webhooks)",
        )
    return Finding(
        status="fail",
        evidence=f"Stripe API: {result.reason or 'down'}",
        fix="check STRIPE_SECRET_KEY and STRIPE_API_BASE",
    )


def alert_config(ctx: DoctorContext) -> Finding:
    """MONITOR_CONFIG parses and every rule override is valid."""
    from lib.alerts.rules import build_rules
    from lib.core.monitor_config import load_monitor_config

    try:
        rules = build_rules(load_monitor_config(ctx.settings))
    except ConfigError as error:
        return Finding(status="fail", evidence=str(error)[:300], fix="fix the named key")
    return Finding(status="pass", evidence=f"{len(rules)} alert rules enabled")


def notifier(ctx: DoctorContext) -> Finding:
    """At least one notifier configured, and its last delivery did not fail."""
    from lib.core.not_configured import NotConfigured
    from lib.notify import channel_states

    states = channel_states(ctx.settings)
    names = [name for name, state in states.items() if not isinstance(state, NotConfigured)]
    if not names:
        # `set RESEND_API_KEY + ALERT_EMAIL_FROM + ALERT_EMAIL_TO or ALERT_WEBHOOK_URL`
        ways = [" + ".join(s.settings) for s in states.values() if isinstance(s, NotConfigured)]
        return Finding(
            status="fail" if ctx.settings.production else "warn",
            evidence="no notifier configured: alerts are recorded but nobody is told",
            fix="set " + " or ".join(ways),
        )
    # Each channel's latest attempt from the delivery log (docs/alerts.md, delivery log).
    return _from_delivery_log(names, ctx.need_store().last_notification)


def _from_delivery_log(names: list[str], last_notification: Callable[[str], Any]) -> Finding:
    """store.last_notification(channel): the latest attempt's `sent_at` and `error`."""
    seen, failing = [], []
    for name in names:
        last = last_notification(name)
        if last is None:
            seen.append(f"{name}: never sent")
        elif last.error:
            failing.append(f"{name}: {last.error}")
        else:
            sent = f"{last.sent_at:%Y-%m-%d %H:%M} UTC" if last.sent_at else "unknown"
            seen.append(f"{name}: last sent {sent}")
    if failing:
        return Finding(
            status="fail",
            evidence="; ".join([*failing, *seen])[:300],
            fix="fix the channel the error names",
        )
    return Finding(status="pass", evidence="; ".join(seen))


def secrets(ctx: DoctorContext) -> Finding:
    """HEALTH_TOKEN, CRON_SECRET and the drain/webhook secrets set, >= 32 characters."""
    weak = []
    for name in SECRETS:
        value: SecretStr | None = getattr(ctx.settings, name)
        if value is None:
            weak.append(f"{name.upper()} not set")
        elif len(value.get_secret_value()) < MIN_SECRET:
            weak.append(f"{name.upper()} shorter than {MIN_SECRET} characters")
    if not weak:
        return Finding(status="pass", evidence=f"every secret set, >= {MIN_SECRET} characters")
    where = "" if ctx.settings.production else " (required in production)"
    return Finding(
        status="fail" if ctx.settings.production else "warn",
        evidence="; ".join(weak) + where,
        fix="generate each with: openssl rand -hex 32",
    )
