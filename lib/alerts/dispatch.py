"""Phase 2 of an alert run: send each queued notification once per channel, then dequeue it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel

from lib.alerts.delivery import send_once
from lib.alerts.queue import Pending
from lib.alerts.queue import units as _units
from lib.notify import Notifier, NotifyError
from lib.store import AlertRow, Store

# Compare-and-set retries when overlapping runs keep changing the row being dequeued.
FINALIZE_ATTEMPTS = 5


class DeliveryReport(BaseModel):
    """What phase 2 did."""

    sent: int = 0
    failed: int = 0
    queued: int = 0
    errors: list[str] = []


@dataclass
class Dispatch:
    """Delivers the queues of one run's rows (the engine's phase 2), within its deadline."""

    store: Store
    notifiers: dict[str, Notifier]
    now: datetime
    deadline: float  # time.monotonic() after which sends are left for the next run

    def deliver(self, rows: list[AlertRow], report: DeliveryReport) -> list[AlertRow]:
        """Send every row's queue, then remove what was delivered; the rows written. Each send is
        claimed per channel (send_once). Firing notifications of one provider incident go out as
        one update (attribution.merge); each row still records its own."""
        claims = [(row, pending) for row in rows if (pending := Pending.of(row)) is not None]
        delivered: set[tuple[str, str]] = set()
        failed: dict[str, dict[str, str]] = {row.rule: {} for row, _ in claims}
        held: dict[str, set[str]] = {row.rule: set() for row, _ in claims}  # busy elsewhere
        for unit in _units(claims):
            channels = dict.fromkeys(c for _, item in unit for c in item.channels)
            for channel in channels:
                # Keep each row's order per channel: no "resolved" before its "firing".
                members = [
                    (rule, item)
                    for rule, item in unit
                    if channel in item.channels
                    and channel not in failed[rule]
                    and channel not in held[rule]
                ]
                if not members:
                    continue
                ids = {(item.notification.id, channel) for _, item in members}
                notifier = self.notifiers.get(channel)
                if notifier is None:
                    delivered |= ids  # channel no longer set up
                    continue
                if time.monotonic() > self.deadline:
                    for rule, _ in members:
                        failed[rule][channel] = "out of time; retried next run"
                    continue
                notifications = [item.notification for _, item in members]
                try:
                    outcome = send_once(self.store, notifier, notifications, self.now)
                except NotifyError as error:
                    for rule, _ in members:
                        failed[rule][channel] = error.reason
                    report.failed += 1
                    report.errors.append(f"{notifications[0].rule} {channel}: {error.reason}")
                    continue
                done = {*outcome.sent, *outcome.already_sent}
                delivered |= {(i, c) for i, c in ids if i in done}
                for rule, item in members:
                    if item.notification.id in outcome.busy:
                        held[rule].add(channel)  # keep its later items behind it, in order
                report.sent += bool(outcome.sent)
        written = []
        for row, _ in claims:
            error = "; ".join(failed[row.rule].values()) or None
            if (final := self._finalize(row, delivered, error)) is not None:
                written.append(final)
        return written

    def _finalize(
        self,
        read: AlertRow,
        delivered: set[tuple[str, str]],
        error: str | None,
    ) -> AlertRow | None:
        """Remove what was delivered; merge with concurrent changes. The row written (None:
        nothing to write, or the row is gone). Sends another run holds are its to finish."""
        row: AlertRow | None = read
        for _ in range(FINALIZE_ATTEMPTS):
            assert row is not None
            pending = Pending.of(row) or Pending()
            items = []
            for item in pending.items:
                left = [c for c in item.channels if (item.notification.id, c) not in delivered]
                if left:
                    items.append(item.model_copy(update={"channels": left}))
            if not error and items == pending.items:
                return None  # nothing sent, nothing failed (all sent by another run): unchanged
            remaining = Pending(
                attempts=pending.attempts + (1 if error else 0), last_error=error, items=items
            )
            written = self.store.alert_cas(row.rule, row.version, {"pending": remaining.dump()})
            if written is not None:
                return written
            row = self.store.alerts().get(read.rule)
            if row is None:
                return None
        return None
