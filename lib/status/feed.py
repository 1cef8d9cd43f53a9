"""The Atom feed (RFC 4287) of published incidents and maintenance, German or English."""

from __future__ import annotations

from datetime import datetime
from xml.sax.saxutils import escape

from lib.core import safe_text
from lib.status.mail import WORDS, Language
from lib.status.model import StoredEvent


def _text(value: str, limit: int = 2000) -> str:
    return escape(safe_text.plain(value, limit))


def _entry(event: StoredEvent, language: Language, base: str, now: datetime) -> str:
    title = getattr(event.title, language)
    if event.kind == "incident":
        lines = [
            f"{WORDS[language][u.status]} ({u.at:%Y-%m-%d %H:%M} UTC): "
            + getattr(u.message, language)
            for u in reversed(event.updates)
        ]
        head = WORDS[language][event.status]
    else:
        message = getattr(event.message or event.title, language)
        window = f"{event.starts_at:%Y-%m-%d %H:%M} – {event.ends_at:%Y-%m-%d %H:%M} UTC"
        lines = [message, window]
        head = {"scheduled": "ahead", "in_progress": "start", "completed": "end"}[
            event.maintenance_state(now)
        ]
        head = WORDS[language][head]
    summary = "\n".join(safe_text.plain(line, 2100) for line in lines)
    return (
        "<entry>"
        f"<id>{escape(base)}/status#{escape(event.id)}</id>"
        f"<title>{_text(head, 100)}: {_text(title, 200)}</title>"
        f"<updated>{event.updated_at.isoformat()}</updated>"
        f"<published>{event.created_at.isoformat()}</published>"
        f'<link rel="alternate" href="{escape(base)}/status"/>'
        f"<summary>{escape(summary)}</summary>"
        "</entry>"
    )


def atom(events: list[StoredEvent], language: Language, base: str, now: datetime) -> str:
    shown = [e for e in events if e.published and e.status != "cancelled"]
    shown.sort(key=lambda e: e.updated_at, reverse=True)
    updated = max((e.updated_at for e in shown), default=now)
    title = "CarBot Status" if language == "en" else "CarBot-Status"
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{language}">'
        f"<id>{escape(base)}/status</id><title>{title}</title>"
        f"<updated>{updated.isoformat()}</updated>"
        f'<link rel="self" href="{escape(base)}/api/status/feed.atom"/>'
        f'<link rel="alternate" href="{escape(base)}/status"/>'
        "<author><name>CarBot</name></author>"
        + "".join(_entry(e, language, base, now) for e in shown)
        + "</feed>"
    )
