"""Which announcements are due, and sending each once per subscriber (claims in SQL)."""

from __future__ import annotations

import hashlib
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, SecretStr

from lib.core.errors import NotifyError
from lib.core.log import log
from lib.status.mail import Announcement, Language, announcement_letter, webhook_body, with_links
from lib.status.model import StoredEvent
from lib.status.sender import BATCH_MAX, ResendSender, post_webhook
from lib.status.store import claim_deliveries, mark_delivered
from lib.status.tokens import sign, webhook_secret
from lib.store import Store

FRESH = timedelta(days=1)  # an update older than this is not mailed any more (first deploy)
ENDED_TOLD = timedelta(days=1)  # the end of a maintenance is told within a day of it


def due_announcements(
    events: list[StoredEvent], now: datetime, ahead: timedelta
) -> list[Announcement]:
    """Published incident updates, and the maintenance notices whose moment has come."""
    due = []
    for e in events:
        if not e.published:
            continue
        published = e.published_at or e.created_at
        if e.kind == "incident":
            for index, update in enumerate(e.updates):
                at = max(update.at, published)
                if at <= now and now - at <= FRESH:
                    due.append(
                        Announcement(
                            key=f"{e.id}:u{index}",
                            kind="update",
                            event=e,
                            due_at=at,
                            update_index=index,
                        )
                    )
            continue
        if e.status == "cancelled" or e.starts_at is None or e.ends_at is None:
            continue
        if e.starts_at - ahead <= now < e.starts_at:
            at = max(e.starts_at - ahead, published)
            due.append(Announcement(key=f"{e.id}:ahead", kind="ahead", event=e, due_at=at))
        elif e.starts_at <= now < e.ends_at:
            due.append(Announcement(key=f"{e.id}:start", kind="start", event=e, due_at=e.starts_at))
        elif e.ends_at <= now < e.ends_at + ENDED_TOLD:
            due.append(Announcement(key=f"{e.id}:end", kind="end", event=e, due_at=e.ends_at))
    return due


class Outbox(BaseModel):
    """What one run sent: e-mails and webhooks per announcement key, failures by reason."""

    emails: dict[str, int] = {}
    webhooks: dict[str, int] = {}
    failed: list[str] = []
    resend_requests: int = 0
    stopped: str | None = None


class Mailer:
    """Sends announcements: claims recipients in batches of BATCH_MAX, one Resend call each."""

    def __init__(
        self,
        db: Store,
        sender: ResendSender | None,
        sender_address: str | None,
        base_url: str | None,
        secret: SecretStr,
        zone: ZoneInfo,
        budget_s: float = 20.0,
    ) -> None:
        self.db, self.sender, self.sender_address = db, sender, sender_address
        self.base_url = base_url.rstrip("/") if base_url else None
        self.secret, self.zone = secret, zone
        self.deadline = time.monotonic() + budget_s
        self.report = Outbox()

    def link(self, path: str, token: str) -> str:
        return f"{self.base_url}/api/subscriptions/{path}?token={token}"

    def email(self, item: Announcement, recipient: dict[str, Any]) -> dict[str, Any]:
        language: Language = recipient["language"]
        manage = sign(self.secret, "manage", recipient["id"], recipient["email"])
        unsubscribe_url = self.link("unsubscribe", manage)
        letter = with_links(
            announcement_letter(item, language, self.zone),
            language,
            self.link("preferences", manage),
            unsubscribe_url,
        )
        return {
            "from": self.sender_address,
            "to": [recipient["email"]],
            "subject": letter.subject,
            "text": letter.text,
            "html": letter.html,
            # RFC 8058 one-click unsubscribe: a POST to this URL deletes the subscription.
            "headers": {
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            "tags": [{"name": "category", "value": "status"}],
        }

    def send(self, item: Announcement, now: datetime) -> None:
        while time.monotonic() < self.deadline:
            claimed = claim_deliveries(
                self.db, item.key, item.components, item.due_at, now, BATCH_MAX
            )
            if not claimed:
                return
            self._deliver(item, claimed, now)
        self.report.stopped = "time budget used; the rest goes out next run"

    def _delivered(self, message: str, ids: list[Any], sent: bool, now: datetime) -> None:
        """Mark claimed deliveries sent, or release them for the next run."""
        mark_delivered(self.db, message, ids, sent, now)

    def _deliver(self, item: Announcement, claimed: list[dict[str, Any]], now: datetime) -> None:
        mails = [r for r in claimed if r.get("email")]
        hooks = [r for r in claimed if r.get("webhook_url")]
        sent: list[int] = []
        if mails and self.sender is not None and self.sender_address and self.base_url:
            ids = ",".join(str(r["id"]) for r in mails)
            key = "carbot-status-" + hashlib.sha256(f"{item.key}|{ids}".encode()).hexdigest()
            try:
                self.sender.send_batch([self.email(item, r) for r in mails], key)
                sent += [r["id"] for r in mails]
                self.report.emails[item.key] = self.report.emails.get(item.key, 0) + len(mails)
            except NotifyError as error:
                self.report.failed.append(error.reason)
        for hook in hooks:
            secret = webhook_secret(self.secret, hook["id"], hook["webhook_url"])
            try:
                post_webhook(hook["webhook_url"], secret, webhook_body(item), item.key)
                sent.append(hook["id"])
                self.report.webhooks[item.key] = self.report.webhooks.get(item.key, 0) + 1
            except NotifyError as error:
                self.report.failed.append(error.reason)
        failed = [r["id"] for r in claimed if r["id"] not in sent]
        if sent:
            self._delivered(item.key, sent, True, now)
        if failed:  # released: the next run claims them again
            self._delivered(item.key, failed, False, now)
            log.warning("status delivery %s failed for %d recipients", item.key, len(failed))
            raise _Stop
        if self.sender is not None:
            self.report.resend_requests = self.sender.requests


class _Stop(Exception):
    pass


def send_due(mailer: Mailer, events: list[StoredEvent], now: datetime, ahead: timedelta) -> Outbox:
    """Every due announcement, oldest first, until the budget or a failure stops the run."""
    for item in sorted(due_announcements(events, now, ahead), key=lambda a: a.due_at):
        try:
            mailer.send(item, now)
        except _Stop:
            mailer.report.stopped = "a delivery failed; it is retried next run"
            break
        if mailer.report.stopped:
            break
    return mailer.report
