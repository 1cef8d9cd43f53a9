"""What a doctor check gets (settings, clock, the store) and what it answers (a Finding)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel

from lib.core.config import Settings
from lib.core.not_configured import NotConfigured
from lib.core.status_words import Doctor
from lib.store import Store

Status = Doctor  # the words and what they mean: lib/core/status_words.py


class Finding(BaseModel):
    """One check's verdict: the status, what was seen (secret-free), and the one-line fix."""

    status: Status
    evidence: str
    fix: str = ""

    @classmethod
    def unset(cls, missing: NotConfigured, status: Status, fix: str | None = None) -> Finding:
        """A check that cannot run: `X is not set` as evidence, `set X` (or `fix`) to do."""
        return cls(status=status, evidence=str(missing), fix=fix or missing.fix)


class StoreMissing(Exception):
    """A check needs the store and there is none (not configured or unreachable)."""


@dataclass
class DoctorContext:
    """The configured environment as the checks see it; store calls are cached per run."""

    settings: Settings
    now: datetime
    store: Store | None
    store_error: str | None = None  # why `store` is None
    _cache: dict[str, Any] = field(default_factory=dict)

    def need_store(self) -> Store:
        if self.store is None:
            raise StoreMissing(self.store_error or "no store")
        return self.store

    def once(self, key: str, fetch: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = fetch()
        return self._cache[key]

    @property
    def yesterday(self) -> date:
        return self.now.astimezone(self.settings.metrics_timezone).date() - timedelta(days=1)

    def latest_metric(self, metric: str, days: int = 3) -> tuple[date, float] | None:
        """The newest value of a daily metric within the last `days` complete days."""
        store = self.need_store()
        first = self.yesterday - timedelta(days=days - 1)
        rows = self.once(
            f"metric:{metric}:{days}", lambda: store.metric_series(metric, first, self.yesterday)
        )
        if not rows:
            return None
        last = rows[-1]
        return date.fromisoformat(str(last["day"])), float(last["value"])


def age_words(seconds: float) -> str:
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"
