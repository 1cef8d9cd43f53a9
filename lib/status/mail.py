"""Subscriber e-mails (confirmation, incident update, maintenance notice) and webhook bodies.

Every text written by people (titles, messages) goes through lib/core/safe_text."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from lib.core import safe_text
from lib.status.model import StoredEvent

Language = Literal["de", "en"]
AnnouncementKind = Literal["update", "ahead", "start", "end"]

WORDS: dict[Language, dict[str, str]] = {
    "de": {
        "investigating": "Wird untersucht",
        "identified": "Ursache gefunden",
        "monitoring": "Wird beobachtet",
        "resolved": "Behoben",
        "ahead": "Geplante Wartung",
        "start": "Wartung begonnen",
        "end": "Wartung beendet",
        "window": "Zeitraum",
        "manage": "Einstellungen ändern",
        "unsubscribe": "Abmelden",
        "confirm_subject": "Bitte bestätigen Sie Ihr Abonnement der CarBot-Statusmeldungen",
        "confirm_text": "Bitte bestätigen Sie Ihr Abonnement mit diesem Link:",
        "confirm_ignore": "Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail.",
    },
    "en": {
        "investigating": "Investigating",
        "identified": "Identified",
        "monitoring": "Monitoring",
        "resolved": "Resolved",
        "ahead": "Scheduled maintenance",
        "start": "Maintenance started",
        "end": "Maintenance completed",
        "window": "Window",
        "manage": "Change preferences",
        "unsubscribe": "Unsubscribe",
        "confirm_subject": "Please confirm your subscription to CarBot status updates",
        "confirm_text": "Please confirm your subscription with this link:",
        "confirm_ignore": "If you did not ask for this, ignore this e-mail.",
    },
}


class Letter(BaseModel):
    subject: str
    text: str
    html: str


class Announcement(BaseModel):
    """One message to every matching subscriber: an incident update or a maintenance notice."""

    key: str  # the delivery claims' message key: sent once per subscriber
    kind: AnnouncementKind
    event: StoredEvent
    due_at: datetime  # subscribers confirmed later do not get it
    update_index: int | None = None

    @property
    def components(self) -> list[str] | None:
        ids = [c.id for c in self.event.components]
        return ids or None


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d.%m.%Y %H:%M %Z")


def announcement_letter(item: Announcement, language: Language, zone: ZoneInfo) -> Letter:
    words = WORDS[language]
    event = item.event
    title = safe_text.plain(getattr(event.title, language), 200)
    if item.kind == "update":
        update = event.updates[item.update_index or 0]
        head = words[update.status]
        body = safe_text.plain(getattr(update.message, language), 2000)
    else:
        head = words[item.kind]
        message = event.message or event.title
        window = (
            f"{words['window']}: {_local(event.starts_at, zone)} – {_local(event.ends_at, zone)}"  # type: ignore[arg-type]
        )
        body = safe_text.plain(getattr(message, language), 2000) + "\n" + window
    subject = f"[CarBot Status] {head}: {title}"
    html_body = "".join(f"<p>{safe_text.html(line, 2100)}</p>" for line in body.split("\n") if line)
    return Letter(
        subject=subject,
        text=f"{head}: {title}\n\n{body}\n",
        html=f"<h2>{safe_text.html(head)}: {safe_text.html(title, 200)}</h2>{html_body}",
    )


def with_links(letter: Letter, language: Language, manage_url: str, unsubscribe_url: str) -> Letter:
    words = WORDS[language]
    return Letter(
        subject=letter.subject,
        text=f"{letter.text}\n{words['manage']}: {manage_url}\n"
        f"{words['unsubscribe']}: {unsubscribe_url}\n",
        html=f'{letter.html}<hr><p><a href="{safe_text.html(manage_url, 2048)}">'
        f'{words["manage"]}</a> · <a href="{safe_text.html(unsubscribe_url, 2048)}">'
        f"{words['unsubscribe']}</a></p>",
    )


def confirmation_letter(language: Language, confirm_url: str) -> Letter:
    words = WORDS[language]
    link = safe_text.html(confirm_url, 2048)
    return Letter(
        subject=words["confirm_subject"],
        text=f"{words['confirm_text']}\n{confirm_url}\n\n{words['confirm_ignore']}\n",
        html=f'<p>{words["confirm_text"]}</p><p><a href="{link}">{link}</a></p>'
        f"<p>{words['confirm_ignore']}</p>",
    )


def webhook_body(item: Announcement) -> dict[str, Any]:
    """The JSON a webhook subscriber receives (both languages, texts cleaned)."""
    event = item.event
    message = event.message
    status = event.status
    if item.kind == "update":
        update = event.updates[item.update_index or 0]
        message, status = update.message, update.status
    return {
        "type": f"{event.kind}.{item.kind}",
        "id": event.id,
        "status": status,
        "title": {k: safe_text.plain(v, 200) for k, v in event.title.model_dump().items()},
        "message": None
        if message is None
        else {k: safe_text.plain(v, 2000) for k, v in message.model_dump().items()},
        "components": [c.id for c in event.components],
        "starts_at": event.starts_at and event.starts_at.isoformat(),
        "ends_at": event.ends_at and event.ends_at.isoformat(),
        "at": item.due_at.isoformat(),
    }
