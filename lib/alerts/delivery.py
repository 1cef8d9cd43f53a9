"""One notification on one channel, sent at most once: claimed in monitoring_notifications first.

This is the only claim of a delivery: overlapping runs may both read a row's queue, but only the
run holding a channel's claim sends on it; the other sees it busy (kept queued) or sent.

The claim is a conditional UPDATE (not sent, no live lease), so two runs never both send, and a
send that was recorded is never repeated. A duplicate takes two failures: the send succeeded but
recording it failed (store down), or the channel answered after our timeout; the next run then
sends again after the lease, with the same idempotency key (Resend drops it; a webhook receiver
can). See docs/alerts.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from lib.alerts.attribution import merge
from lib.core.clock import CLAIM_LEASE
from lib.core.errors import NotifyError, StoreError
from lib.notify import Notification, Notifier
from lib.store import Store

# Longer than a send may take (SEND_TIMEOUT_S) by far: a live claim is never taken over.
CLAIM_LEASE_S = int(CLAIM_LEASE.total_seconds())


class Sent(NamedTuple):
    """What one send_once did with its notifications (ids): sent now, sent before, held."""

    sent: list[str]
    already_sent: list[str]
    busy: list[str]  # another run holds the claim: it finishes them


def send_once(
    store: Store, notifier: Notifier, notifications: Sequence[Notification], now: datetime
) -> Sent:
    """Claim the notifications on this channel together (one statement), send the claimed ones
    as one update (the first, listing the others: attribution.merge), record. Raises
    NotifyError (failed, retried next run) with a short reason."""
    channel = notifier.name
    claimed: list[Notification] = []
    already: list[str] = []
    busy: list[str] = []
    items = [{"id": n.id, "rule": n.rule, "event": n.event} for n in notifications]
    try:
        claims = store.notification_claims(items, channel, now, CLAIM_LEASE_S)
    except StoreError:
        raise NotifyError("store unavailable; not sent, retried next run") from None
    for notification in notifications:
        claim = claims[notification.id]
        if claim.claimed:
            claimed.append(notification)
        else:
            (already if claim.sent else busy).append(notification.id)
    if not claimed:
        return Sent([], already, busy)
    try:
        notifier.send(merge(claimed))
    except NotifyError as error:
        for notification in claimed:
            with contextlib.suppress(StoreError):
                store.notification_done(notification.id, channel, now, error.reason)
        raise
    # Sent: if recording fails the claim expires and the next run sends again (documented).
    for notification in claimed:
        with contextlib.suppress(StoreError):
            store.notification_done(notification.id, channel, now, None)
    return Sent([n.id for n in claimed], already, busy)
