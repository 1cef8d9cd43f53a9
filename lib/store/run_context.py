"""What one run (a cron, a request) hands the code it calls: settings, its clock, the store, and a
per-run memo, so a question asked twice in a run is asked of the store once."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from lib.core.config import Settings
from lib.store import Store


@dataclass
class RunContext:
    """One run: `now` is its clock (tests pass any), `store` may be a RunStore (lib/store/run)."""

    store: Store
    settings: Settings
    now: datetime
    memo: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    def remember[T](self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()` the first time `key` is asked in this run, the same answer after."""
        if key not in self.memo:
            self.memo[key] = compute()
        return cast(T, self.memo[key])
