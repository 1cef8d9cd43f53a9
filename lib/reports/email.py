"""The report e-mail: Resend `POST /emails` with HTML and text, to REPORT_EMAIL_TO."""

from __future__ import annotations

from lib.core.config import Settings
from lib.notify import post_json
from lib.reports.model import Report
from lib.reports.render_html import html
from lib.reports.render_text import text

SEND_TIMEOUT_S = 10.0


def not_configured(settings: Settings) -> str | None:
    """Why the report cannot be e-mailed, or None."""
    for name in ("resend_api_key", "report_email_to", "alert_email_from"):
        if getattr(settings, name) is None:
            return f"{name.upper()} is not set"
    return None


def payload(settings: Settings, report: Report) -> dict[str, object]:
    to = [a.strip() for a in (settings.report_email_to or "").split(",") if a.strip()]
    return {
        "from": settings.alert_email_from,
        "to": to,
        "subject": report.subject,
        "html": html(report),
        "text": text(report),
        "tags": [{"name": "category", "value": f"report_{report.kind}"}],
    }


def send(settings: Settings, report: Report, attempt: int) -> str | None:
    """Send once; returns Resend's e-mail id. The idempotency key is per period and attempt:
    a retry after a lost answer is deduplicated by Resend, a deliberate resend is not."""
    assert settings.resend_api_key is not None
    url = str(settings.resend_api_url).rstrip("/") + "/emails"
    headers = {
        "Authorization": f"Bearer {settings.resend_api_key.get_secret_value()}",
        "Idempotency-Key": f"carbot-report-{report.kind}-{report.period}-{attempt}",
    }
    response = post_json("resend", url, payload(settings, report), headers, timeout=SEND_TIMEOUT_S)
    try:
        found = response.json().get("id")
    except (ValueError, AttributeError):
        return None
    return found if isinstance(found, str) else None
