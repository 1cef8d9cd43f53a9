"""Store a period's report and e-mail it exactly once (claimed in the store, retried on failure)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from lib.core.config import Settings
from lib.core.errors import NotifyError
from lib.core.log import log
from lib.core.monitor_config import MonitorConfig
from lib.reports import email
from lib.reports import store as report_store
from lib.reports.build import build_report
from lib.reports.model import Report
from lib.reports.periods import Period
from lib.store import Store


class SendOutcome(BaseModel):
    period: str
    outcome: str  # sent | already sent | claimed by another run | failed | not sent
    error: str | None = None


class DeliveryReport(BaseModel):
    """What one cron run did for one kind of report."""

    period: str
    built: bool
    headline: str
    sends: list[SendOutcome]

    @property
    def failed(self) -> list[SendOutcome]:
        return [s for s in self.sends if s.outcome == "failed"]


def send_stored(
    store: Store,
    settings: Settings,
    report: Report,
    force: bool,
    seen_sent_at: datetime | None = None,
) -> SendOutcome:
    """Claim, send, record. Only the caller that wins the claim sends; a forced resend goes out
    only if nobody sent the period since the caller read `seen_sent_at`."""
    if (why := email.not_configured(settings)) is not None:
        return SendOutcome(period=report.period, outcome="not sent", error=why)
    if not report_store.claim_send(store, report.kind, report.period, force, seen_sent_at):
        stored = report_store.load(store, report.kind, report.period)
        sent_at = stored.sent_at if stored else None
        done = sent_at is not None and (not force or sent_at != seen_sent_at)
        word = "already sent" if done else "claimed by another run"
        return SendOutcome(period=report.period, outcome=word)
    stored = report_store.load(store, report.kind, report.period)
    attempt = stored.send_attempts if stored else 1
    try:
        email_id = email.send(settings, report, attempt)
    except NotifyError as error:
        report_store.record_send(store, report.kind, report.period, None, error.reason)
        log.warning("report %s %s not sent: %s", report.kind, report.period, error.reason)
        return SendOutcome(period=report.period, outcome="failed", error=error.reason)
    report_store.record_send(store, report.kind, report.period, email_id, None)
    return SendOutcome(period=report.period, outcome="sent")


def deliver(
    store: Store,
    settings: Settings,
    config: MonitorConfig,
    period: Period,
    now: datetime,
    *,
    rebuild: bool,
    send: bool,
) -> DeliveryReport:
    """Build (once per period, or again on `rebuild`), store, and e-mail; then retry older
    periods whose send failed. `rebuild` also resends (the operator asked for it)."""
    stored = report_store.load(store, period.kind, period.key)
    seen_sent_at = stored.sent_at if stored else None
    built = rebuild or stored is None
    if built:
        report = build_report(store, settings, config, period, now)
        report_store.save(store, report)
    else:
        assert stored is not None
        report = stored.body
    sends: list[SendOutcome] = []
    if send:
        sends.append(send_stored(store, settings, report, rebuild, seen_sent_at))
        for older in report_store.unsent(store, period.kind):
            again = report_store.load(store, period.kind, older)
            if older != period.key and again is not None:
                sends.append(send_stored(store, settings, again.body, force=False))
    return DeliveryReport(period=period.key, built=built, headline=report.headline, sends=sends)


def summary(report: DeliveryReport) -> dict[str, Any]:
    return report.model_dump(mode="json")
