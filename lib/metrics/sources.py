"""The metric sources of the monitor's own packages (feature packages add theirs in lib/jobs)."""

from __future__ import annotations

from lib.metrics import MetricSource
from lib.metrics.history import CheckHistory, DatabaseSize
from lib.metrics.openai_costs import OpenAICosts
from lib.metrics.openai_usage import OpenAIUsage
from lib.metrics.resend import ResendEmails
from lib.metrics.storage import StorageUsage
from lib.metrics.stripe import STRIPE_SOURCES
from lib.metrics.stripe_disputes import DISPUTE_SOURCES
from lib.metrics.tables import TABLE_SOURCES

CORE_SOURCES: tuple[MetricSource, ...] = (
    *TABLE_SOURCES,
    CheckHistory(),
    DatabaseSize(),
    *STRIPE_SOURCES,
    ResendEmails(),
    OpenAICosts(),
    *DISPUTE_SOURCES,
    OpenAIUsage(),
    StorageUsage(),
)
