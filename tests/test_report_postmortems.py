"""Postmortems written through /api/incidents appear in the weekly report's "Issues &
Resolutions" and in the monthly report, through safe_text (issue 26)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from lib.core.monitor_config import load_monitor_config
from lib.reports.build import build_report
from lib.reports.model import Report
from lib.reports.periods import month_of
from lib.reports.postmortems import add_postmortems
from lib.reports.render_html import html
from lib.reports.render_text import markdown
from lib.status.model import StoredEvent
from lib.status.store import put_event
from tests.alerting import open_store
from tests.fakes.billing import BillingStripe
from tests.fakes.vendors import FakeResend
from tests.report_seed import BERLIN, NOW, WEEK, report_settings

STARTED = datetime(2026, 10, 21, 9, 0, tzinfo=UTC)  # inside WEEK


def incident(ident: str, created: datetime, postmortem: bool = True) -> StoredEvent:
    return StoredEvent.model_validate(
        {
            "id": ident,
            "kind": "incident",
            "published": True,
            "status": "resolved",
            "impact": "major",
            "title": {"de": "Chat aus", "en": "Chat <down>\u202e"},
            "components": [{"id": "chat", "impact": "major"}],
            "updates": [{"at": created, "status": "resolved", "message": {"de": "ok", "en": "ok"}}],
            "postmortem": {
                "cause": {"de": "Schlüssel abgelaufen", "en": "Expired API key"},
                "resolution": {"de": "erneuert", "en": "Key renewed"},
                "action_items": [{"de": "Ablauf überwachen", "en": "Alert on key expiry"}],
                "episodes": ["service_unresponsive:openai"],
                "deployments": ["dpl_9x"],
            }
            if postmortem
            else None,
            "created_at": created,
            "updated_at": created + timedelta(hours=2),
            "resolved_at": created + timedelta(hours=2),
        }
    )


def test_weekly_issues_carry_the_postmortem(
    migrated_db: str, tmp_path: Path, fake_resend: FakeResend
) -> None:
    stripe = BillingStripe()
    try:
        settings = report_settings(migrated_db, tmp_path, stripe, fake_resend)
        with open_store(migrated_db) as store:
            assert put_event(store, incident("inc_week", STARTED), 0)
            assert put_event(store, incident("inc_nopm", STARTED, postmortem=False), 0)
            assert put_event(store, incident("inc_before", STARTED - timedelta(days=30)), 0)
            report = build_report(
                store, settings, load_monitor_config(settings), WEEK, NOW, live=False
            )
    finally:
        stripe.close()
    issues = next(s for s in report.sections if s.id == "issues")
    (line,) = [x for x in issues.lines if x.startswith("Postmortem")]
    assert line == (
        "Postmortem: Chat <down>\ufffd (resolved, impact major) — cause: Expired API key — "
        "resolution: Key renewed — action items: Alert on key expiry — alert episodes: "
        "service_unresponsive:openai — deployments: dpl_9x"
    )
    assert "Chat &lt;down&gt;" in html(report) and "<down>" not in html(report)
    assert "Expired API key" in markdown(report)


def test_monthly_report_gets_a_postmortem_section(migrated_db: str) -> None:
    october = month_of(date(2026, 10, 1), BERLIN)
    report = Report.model_validate(
        {
            "kind": "monthly",
            "period": october.key,
            "title": "Monthly",
            "subject": "s",
            "headline": "h",
            "generated_at": NOW,
            "timezone": "Europe/Berlin",
            "first_day": october.first,
            "last_day": october.after - timedelta(days=1),
            "previous_period": "2026-09",
            "criteria": [],
            "sections": [],
        }
    )
    with open_store(migrated_db) as store:
        assert put_event(store, incident("inc_month", STARTED), 0)
        add_postmortems(report, store, october)
    (section,) = report.sections
    assert section.title == "Incidents & Postmortems" and len(section.lines) == 1
    assert "cause: Expired API key" in section.lines[0]
