"""Render a notification as a subject line, plain text, HTML, and a Slack-compatible line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from html import escape

from lib.core import safe_text
from lib.core.safe_text import https_link, plain
from lib.notify import REMIND_EVERY, Notification

# Every value a notification shows may quote outside text (commit messages, branch names,
# provider incident names, request paths): each sink passes its own maker (lib/core/safe_text.py).
Safe = Callable[[object], str]
MESSAGE_LIMIT = 1000

_EVENT_WORDS = {
    "firing": "Firing",
    "reminder": "Still firing",
    "resolved": "Resolved",
    "acknowledged": "Acknowledged",
}


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    number = f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"
    return f"{number} {unit}".strip()


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def format_duration(seconds: float) -> str:
    minutes = max(0, round(seconds / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} min"]
    return " ".join(p for p in parts if p and not (p == "0 min" and (days or hours)))


REMINDERS = f"reminders at most every {format_duration(REMIND_EVERY.total_seconds())} while firing"


def headline(n: Notification, safe: Safe = plain) -> str:
    """`Firing: Payment failure rate` / `Resolved after 42 min: Payment failure rate`."""
    word = _EVENT_WORDS[n.event]
    if n.event == "resolved" and n.duration_s is not None:
        word = f"Resolved after {format_duration(n.duration_s)}"
    elif n.event == "reminder":
        word = f"Still firing for {format_duration((n.at - n.since).total_seconds())}"
    return f"{word}: {safe(n.title)}"


def subject(n: Notification, safe: Safe = plain) -> str:
    """Starts with the severity, so mail filters can route on it."""
    return f"[{n.severity.upper()}] CarBot {headline(n, safe)}"


def message(n: Notification, safe: Callable[[object, int], str] = plain) -> str:
    return safe(n.message, MESSAGE_LIMIT)


def incident_line(n: Notification, safe: Safe = plain) -> str | None:
    """`Stripe reports 'Elevated API errors' since 10:02 UTC (investigating)`."""
    if n.incident is None:
        return None
    note = n.incident
    since = f" since {note.started_at.astimezone(UTC):%H:%M} UTC" if note.started_at else ""
    return f"{safe(note.provider)} reports '{safe(note.name)}'{since} ({safe(note.status)})"


def grouped_lines(n: Notification, safe: Safe = plain) -> list[str]:
    if not n.grouped:
        return []
    return ["Also firing from this provider incident:", *(f"- {safe(g)}" for g in n.grouped)]


def facts(n: Notification) -> list[tuple[str, str]]:
    """Label and plain value (cleaned) of each fact; a provider link only when it is https."""
    rows = [
        ("Rule", plain(n.rule)),
        ("Severity", n.severity),
        ("Observed", format_value(n.value, n.unit)),
        ("Threshold", format_value(n.threshold, n.unit)),
        ("Firing since" if n.event != "resolved" else "Fired from", format_time(n.since)),
        ("At", format_time(n.at)),
        ("Environment", plain(n.environment)),
    ]
    if n.duration_s is not None:
        rows.insert(5, ("Lasted", format_duration(n.duration_s)))
    line = incident_line(n)
    if line is not None:
        link = https_link(n.incident.url) if n.incident else None
        rows.append(("Provider", line + (f" {link}" if link else "")))
    if n.level > 1:
        rows.append(("Escalation level", str(n.level)))
    if n.ack_url and n.event in ("firing", "reminder"):
        rows.append(("Acknowledge", n.ack_url))  # opens a confirmation page; a GET changes nothing
    return rows


def runbook_lines(n: Notification, safe: Safe = plain) -> list[str]:
    """The runbook as numbered lines under a heading; nothing when there is none."""
    if not n.runbook:
        return []
    return ["What to do:", *(f"{i}. {safe(step)}" for i, step in enumerate(n.runbook, 1))]


def text_body(n: Notification) -> str:
    lines = [subject(n), "", message(n), ""]
    extra = [line for line in (incident_line(n),) if line] + grouped_lines(n)
    lines += [*extra, ""] if extra else []
    lines += [f"{label}: {value}" for label, value in facts(n)]
    if n.runbook:
        lines += ["", *runbook_lines(n)]
    lines += ["", f"-- CarBot Monitor ({REMINDERS})"]
    return "\n".join(lines) + "\n"


def html_body(n: Notification) -> str:
    color = {"critical": "#b00020", "warning": "#b26a00", "info": "#1565c0"}[n.severity]
    if n.event == "resolved":
        color = "#2e7d32"
    rows = "".join(
        f"<tr><th align='left' style='padding:2px 12px 2px 0'>{escape(label)}</th>"
        f"<td>{escape(value)}</td></tr>"
        for label, value in facts(n)
    )
    return (
        "<!doctype html><html><body style='font-family:sans-serif'>"
        f"<h2 style='color:{color}'>{escape(subject(n))}</h2>"
        f"<p>{escape(message(n))}</p>{_grouped_html(n)}<table>{rows}</table>{_html_runbook(n)}"
        f"<p style='color:#666'>CarBot Monitor ({REMINDERS})</p>"
        "</body></html>"
    )


def _html_runbook(n: Notification) -> str:
    if not n.runbook:
        return ""
    steps = "".join(f"<li>{safe_text.html(step)}</li>" for step in n.runbook)
    return f"<h3>What to do</h3><ol>{steps}</ol>"


def _grouped_html(n: Notification) -> str:
    if not n.grouped:
        return ""
    items = "".join(f"<li>{safe_text.html(g)}</li>" for g in n.grouped)
    return f"<p>Also firing from this provider incident:</p><ul>{items}</ul>"


def chat_line(n: Notification) -> str:
    """Slack/Mattermost `text`: one headline, severity first, then the runbook's steps; every
    outside value escaped for chat markup (no mentions, no disguised links)."""
    icon = {
        "firing": ":rotating_light:",
        "reminder": ":bell:",
        "resolved": ":white_check_mark:",
        "acknowledged": ":eyes:",
    }
    chat = safe_text.chat
    line = f"{icon[n.event]} {subject(n, chat)} - {message(n, chat)}"
    note = incident_line(n, chat)
    if note:
        line += f" ({note})"
    if n.grouped:
        line += f"; also firing: {'; '.join(chat(g) for g in n.grouped)}"
    steps = [f"{i}. {chat(step)}" for i, step in enumerate(n.runbook, 1)]
    if n.ack_url and n.event in ("firing", "reminder"):
        steps.append(f"Acknowledge: {n.ack_url}")  # our own signed link (lib/alerts/ack_link.py)
    return "\n".join([line, *steps])


# -- chat and paging channels (lib/notify/channels: slack, discord, teams, telegram, ntfy) ------

SEVERITY_ICON = {"critical": "\U0001f6a8", "warning": "\u26a0\ufe0f", "info": "\u2139\ufe0f"}
EVENT_ICON = {"firing": "\U0001f6a8", "reminder": "\U0001f514", "resolved": "\u2705"}


def event_headline(n: Notification, safe: Safe = plain) -> str:
    """headline(), and `Acknowledged: Payment failure rate` for an acknowledged episode."""
    if n.event == "acknowledged":
        return f"Acknowledged: {safe(n.title)}"
    return headline(n, safe)


def event_subject(n: Notification, safe: Safe = plain) -> str:
    """subject() for every event: `[CRITICAL] CarBot Firing: ...`."""
    return f"[{n.severity.upper()}] CarBot {event_headline(n, safe)}"


def icon(n: Notification) -> str:
    """An emoji for the event (a resolve is green whatever its severity)."""
    return EVENT_ICON.get(n.event, SEVERITY_ICON[n.severity])


def ack_link(n: Notification) -> str | None:
    """The acknowledge link of a firing episode (https only); none once resolved or acked."""
    if n.event not in ("firing", "reminder") or n.ack_url is None:
        return None
    return https_link(n.ack_url)


def channel_facts(n: Notification) -> list[tuple[str, str]]:
    """facts(), plus the escalation level an episode reached beyond the first."""
    rows = facts(n)
    if n.level > 1:
        rows.insert(2, ("Escalation level", str(n.level)))
    return rows


def bounded_steps(steps: list[str], safe: Callable[[object, int], str], total: int) -> str:
    """Numbered runbook lines, each escaped by `safe`, joined with newlines, at most `total`
    characters: the steps that do not fit are counted, never silently dropped."""
    lines: list[str] = []
    size = 0
    for number, step in enumerate(steps, 1):
        line = f"{number}. {safe(step, 400)}"
        extra = len(line) + (1 if lines else 0)
        if size + extra > total - 40:  # room for the note below
            lines.append(f"(+{len(steps) - number + 1} more steps in the runbook)")
            break
        lines.append(line)
        size += extra
    return "\n".join(lines)


def grouped_text(n: Notification, safe: Callable[[object, int], str], limit: int = 600) -> str:
    """`Also firing: a; b (+3 more)` within `limit` characters, cut between names only (an
    escape or entity is never cut in half); empty when nothing else fired."""
    if not n.grouped:
        return ""
    items: list[str] = []
    size = len("Also firing: ")
    for shown, name in enumerate(n.grouped):
        item = safe(name, 200)
        if size + len(item) + 2 > limit - 12:
            return f"Also firing: {'; '.join(items)} (+{len(n.grouped) - shown} more)"
        items.append(item)
        size += len(item) + 2
    return "Also firing: " + "; ".join(items)
