"""The provider refresh of the health-check cron: at most every 5 minutes, never in the way.

`start_refresh` claims the refresh in the store (one of two overlapping runs wins) and starts
the fetches in threads, each with its own short timeout; the cron probes meanwhile. `finish`
waits only what is left of REFRESH_BUDGET_S, records what answered (a page that did not is
`ok: false`, its last incidents kept), and never raises. With PROVIDER_STATUS off, or every
provider switched off, the stored rows are cleared.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from datetime import datetime, timedelta
from typing import Any

from lib.core.log import log
from lib.core.monitor_config import MonitorConfig
from lib.providers import Provider, ProviderStatus, configured_providers
from lib.providers.store import claim_refresh, record_statuses
from lib.store import Store, StoreError

REFRESH_EVERY = timedelta(minutes=5)
REFRESH_BUDGET_S = 3.0  # from start to finish, whatever the pages do


class Refresh:
    """Fetches in flight; `finish(store)` records them."""

    def __init__(self, providers: list[Provider], now: datetime, budget_s: float) -> None:
        from lib.providers.fetch import client, fetch

        self.providers = providers
        self.now = now
        self.deadline = time.monotonic() + budget_s
        self._client = client()
        # Not a `with` block: its exit would wait for a page that hangs.
        self._pool = ThreadPoolExecutor(max_workers=len(providers), thread_name_prefix="provider")
        self._futures: dict[str, Future[ProviderStatus]] = {
            p.name: self._pool.submit(fetch, p, now, self._client) for p in providers
        }

    def finish(self, store: Store) -> dict[str, Any]:
        """Collect and record the statuses (the health check records them with its other
        results instead: `collect` and `summary`)."""
        statuses = self.collect()
        try:
            record_statuses(store, statuses)
        except StoreError as error:
            log.warning("provider status not recorded: %s", error.reason)
            return {"refreshed": False, "error": f"store: {error.reason}"}
        return summary(statuses)

    def collect(self) -> list[ProviderStatus]:
        """What answered within the budget; a page that did not is `ok: false`."""
        wait_for(self._futures.values(), timeout=max(0.0, self.deadline - time.monotonic()))
        statuses = []
        for provider in self.providers:
            future = self._futures[provider.name]
            if future.done() and future.exception() is None:
                statuses.append(future.result())
            else:
                statuses.append(
                    ProviderStatus(
                        provider=provider.name,
                        kind=provider.kind,
                        checked_at=self.now,
                        ok=False,
                        indicator=None,
                        description=None,
                        error="timeout" if not future.done() else "unexpected error",
                        incidents=[],
                    )
                )
        self._pool.shutdown(wait=False, cancel_futures=True)
        if all(f.done() for f in self._futures.values()):
            self._client.close()  # else the hanging thread still uses it; it dies with the run
        return statuses


def summary(statuses: list[ProviderStatus]) -> dict[str, Any]:
    """The cron summary of a recorded refresh."""
    return {
        "refreshed": True,
        "providers": {
            s.provider: (s.indicator if s.ok else f"unreadable: {s.error}") for s in statuses
        },
        "open_incidents": sum(len(s.incidents) for s in statuses),
    }


def start_refresh(
    store: Store,
    config: MonitorConfig,
    now: datetime,
    budget_s: float = REFRESH_BUDGET_S,
    enabled: bool = True,
    clear: bool = True,
) -> Refresh | dict[str, Any]:
    """A running Refresh, or the summary of why none runs (claimed recently, all switched off).

    With nothing to read, what earlier runs read (failed reads too) must go: cleared here, or by
    the caller when `clear` is false (the health check's one write does it).
    """
    providers = configured_providers(config) if enabled else []
    try:
        if not providers:
            if clear:
                record_statuses(store, [])
            reason = "every provider is switched off" if enabled else "PROVIDER_STATUS is off"
            return {"refreshed": False, "reason": reason}
        claimed = claim_refresh(store, now, int(REFRESH_EVERY.total_seconds()))
    except StoreError as error:
        return {"refreshed": False, "error": f"store: {error.reason}"}
    if not claimed:
        return {"refreshed": False, "reason": "refreshed less than 5 minutes ago"}
    return Refresh(providers, now, budget_s)
