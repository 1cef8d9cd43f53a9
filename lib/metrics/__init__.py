"""Daily metrics: the catalog (name → unit), day windows, and the contract every source keeps."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from lib.core.config import Settings
from lib.core.errors import SourceError as SourceError
from lib.core.monitor_config import MonitorConfig
from lib.core.not_configured import NotConfigured
from lib.store import Store

# Every metric of docs/metrics.md and its unit. Revenue in currencies other than EUR is stored, as
# `revenue_cents_<currency>` (unit cents); `revenue_cents` is the EUR headline.
METRICS: dict[str, str] = {
    "registrations": "count",
    "leads": "count",
    "chat_conversations": "count",
    "lead_conversion_pct": "%",
    "payments_succeeded": "count",
    "payments_failed": "count",
    "payment_success_pct": "%",
    "revenue_cents": "cents",
    "subscriptions_new": "count",
    "subscriptions_canceled": "count",
    "emails_sent": "count",
    "emails_delivered": "count",
    "emails_bounced": "count",
    "email_delivery_pct": "%",
    "email_bounce_pct": "%",
    "openai_cost_usd": "USD",
    "cost_per_conversation_usd": "USD",
    "uptime_pct": "%",
    "avg_response_ms": "ms",
    "p95_response_ms": "ms",
    "checks_failed": "count",
    "db_size_bytes": "bytes",
    "db_storage_pct": "%",
    "db_connections": "count",
    "stripe_webhook_failures": "count",
    # deployments (lib/deployments/metrics.py, from Vercel's deployment webhooks)
    "deployments": "count",
    "deployments_failed": "count",
    "build_success_pct": "%",
    "deployments_production": "count",
    "deployments_failed_production": "count",
    "build_success_pct_production": "%",
    # CarBot's own traffic (lib/drains/metrics.py, from Vercel Drains)
    "requests": "count",
    "requests_4xx": "count",
    "requests_5xx": "count",
    "function_crashes": "count",
    "error_rate_pct": "%",
    "response_avg_ms": "ms",
    "response_p50_ms": "ms",
    "response_p95_ms": "ms",
    "bandwidth_bytes": "bytes",
    "cache_hit_pct": "%",
    "web_vitals_lcp_p75_ms": "ms",
    "web_vitals_inp_p75_ms": "ms",
    "web_vitals_cls_p75": "score",
    "web_vitals_fcp_p75_ms": "ms",
    "web_vitals_ttfb_p75_ms": "ms",
    # visitors (lib/drains/metrics.py, Web Analytics drain or Vercel's Web Analytics REST API)
    "page_views": "count",
    "unique_visitors": "count",
    "sessions": "count",
    "custom_events": "count",
    # platform (lib/platform/metrics.py, from the Supabase Management API)
    "db_backup_age_h": "h",
    "security_findings": "count",
    "performance_findings": "count",
    "failed_logins": "count",
    # disputes, refunds, early fraud warnings (lib/metrics/stripe_disputes.py)
    "disputes_opened": "count",
    "dispute_amount_cents": "cents",
    "refunds": "count",
    "refunded_cents": "cents",
    "net_revenue_cents": "cents",
    "early_fraud_warnings": "count",
    # OpenAI token usage (lib/metrics/openai_usage.py)
    "openai_input_tokens": "tokens",
    "openai_output_tokens": "tokens",
    "openai_cached_tokens": "tokens",
    "openai_requests": "count",
    "openai_tokens_per_conversation": "tokens",
    # Supabase Storage (lib/metrics/storage.py)
    "storage_bytes": "bytes",
    "storage_objects": "count",
}
# Families named by a suffix: amounts per other currency than EUR (`revenue_cents_usd`), tokens
# per model (`openai_model_tokens_gpt_4o_mini`), bytes per bucket (`storage_bucket_bytes_logos`).
_FAMILIES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(revenue|refunded|dispute_amount)_cents_[a-z]{3}$"), "cents"),
    (re.compile(r"^openai_model_tokens_[a-z0-9_]+$"), "tokens"),
    (re.compile(r"^storage_bucket_bytes_[a-z0-9_]+$"), "bytes"),
)
# Metrics per synthetic check (lib/checks/metrics.py): `<family>:<check name>`.
PER_CHECK: dict[str, str] = {"check_uptime_pct": "%", "check_p95_ms": "ms"}
_PER_CHECK = re.compile(r"^(check_[a-z0-9_]+):[a-z][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class Ratio:
    """A metric derived from others: numerator / sum(denominator) × scale; absent when undefined."""

    numerator: str | tuple[str, ...]  # a tuple is summed
    denominator: tuple[str, ...]
    scale: float
    digits: int


# Computed after every source has answered, so a ratio may combine two sources (cost per
# conversation). A ratio whose inputs are absent, or whose denominator is 0, is absent.
RATIOS: dict[str, Ratio] = {
    "lead_conversion_pct": Ratio("leads", ("chat_conversations",), 100, 2),
    "payment_success_pct": Ratio(
        "payments_succeeded", ("payments_succeeded", "payments_failed"), 100, 2
    ),
    "email_delivery_pct": Ratio("emails_delivered", ("emails_sent",), 100, 2),
    "email_bounce_pct": Ratio("emails_bounced", ("emails_sent",), 100, 2),
    "cost_per_conversation_usd": Ratio("openai_cost_usd", ("chat_conversations",), 1, 6),
    "openai_tokens_per_conversation": Ratio(
        ("openai_input_tokens", "openai_output_tokens"), ("chat_conversations",), 1, 1
    ),
}
# Derived as a difference: present when both inputs are (gross EUR revenue − EUR refunds).
DIFFERENCES: dict[str, tuple[str, str]] = {
    "net_revenue_cents": ("revenue_cents", "refunded_cents"),
}


def unit_of(metric: str) -> str | None:
    """The unit of a known metric, None for an unknown name."""
    if metric in METRICS:
        return METRICS[metric]
    per_check = _PER_CHECK.match(metric)
    if per_check:
        return PER_CHECK.get(per_check[1])
    return next((unit for pattern, unit in _FAMILIES if pattern.match(metric)), None)


def derive(values: dict[str, float]) -> dict[str, float]:
    """The ratios whose inputs are all present and whose denominator is not 0, and differences."""
    derived = {}
    for name, ratio in RATIOS.items():
        numerator = (ratio.numerator,) if isinstance(ratio.numerator, str) else ratio.numerator
        if any(values.get(n) is None for n in (*numerator, *ratio.denominator)):
            continue
        denominator = sum(values[n] for n in ratio.denominator)
        if denominator:
            total = sum(values[n] for n in numerator)
            derived[name] = round(total / denominator * ratio.scale, ratio.digits)
    for name, (minuend, subtrahend) in DIFFERENCES.items():
        if minuend in values and subtrahend in values:
            derived[name] = values[minuend] - values[subtrahend]
    return derived


@dataclass(frozen=True)
class DayWindow:
    """One calendar day in the metrics time zone: [start, end) from local midnight to midnight."""

    day: date
    start: datetime  # aware, in the zone
    end: datetime

    @classmethod
    def of(cls, day: date, zone: ZoneInfo) -> DayWindow:
        # Local midnights resolved by zoneinfo: across a DST change the day is 23 or 25 hours long.
        start = datetime(day.year, day.month, day.day, tzinfo=zone)
        after = day + timedelta(days=1)
        end = datetime(after.year, after.month, after.day, tzinfo=zone)
        return cls(day, start, end)

    @property
    def hours(self) -> float:
        # Aware datetimes sharing a tzinfo subtract as wall clock times: compare in UTC.
        return (self.end.astimezone(UTC) - self.start.astimezone(UTC)).total_seconds() / 3600

    @property
    def start_ts(self) -> int:
        return int(self.start.timestamp())

    @property
    def end_ts(self) -> int:
        return int(self.end.timestamp())


def today(zone: ZoneInfo, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(zone).date()


@dataclass(frozen=True)
class SourceContext:
    """What a source may use for one day: settings, the store, monitoring.toml, a deadline."""

    settings: Settings
    store: Store
    config: MonitorConfig
    window: DayWindow
    deadline: float  # time.monotonic() by which the whole run must be done
    latest: bool  # the window is the day that just ended (snapshot sources measure only then)

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def check_deadline(self, what: str) -> None:
        if self.remaining() <= 0:
            raise SourceError(f"run time budget exhausted during {what}")

    def timeout(self, cap: float) -> float:
        """A per-request timeout: `cap`, or less when the run budget is nearly spent."""
        return max(0.5, min(cap, self.remaining()))


class MetricSource(Protocol):
    """One place metrics come from. `collect` returns {metric: value} or raises SourceError.

    A StoreError from a store-backed source counts the same: the runner reports its reason.
    """

    name: str
    # Uses the store's connection: run on the calling thread (one connection, one caller).
    uses_store: bool

    def missing(self, ctx: SourceContext) -> NotConfigured | str | None:
        """Why the source is skipped for this day: NotConfigured naming the settings to set, a
        sentence for any other reason (a snapshot, data not kept); None when it runs."""
        ...

    def collect(self, ctx: SourceContext) -> dict[str, float]: ...
