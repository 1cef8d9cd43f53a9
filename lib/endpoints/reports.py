"""GET /api/reports/weekly|monthly: a stored report (or one built for a past period), 4 formats."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from lib import store as store_module
from lib.core.http import HttpError, Request, Response, json_response, require_token
from lib.core.monitor_config import load_monitor_config
from lib.reports import periods
from lib.reports import store as report_store
from lib.reports.build import build_report
from lib.reports.model import Report
from lib.reports.periods import Kind, PeriodError
from lib.store import Store, StoreError

FORMATS = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
HTML_REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
PARAM: dict[Kind, str] = {"weekly": "week", "monthly": "month"}


def render(report: Report, form: str) -> Response:
    if form == "json":
        return json_response(report)
    if form == "md":
        from lib.reports.render_text import markdown as renderer
    elif form == "txt":
        from lib.reports.render_text import text as renderer
    else:
        from lib.reports.render_html import html as renderer
    headers = {"Content-Type": FORMATS[form], "Cache-Control": "no-store"}
    if form == "html":
        # The e-mail's HTML keeps its inline styles (mail clients drop <style>); nothing else.
        headers["Content-Security-Policy"] = HTML_REPORT_CSP
    return Response(200, renderer(report).encode(), headers)


def find(request: Request, kind: Kind) -> Report:
    settings = request.settings
    now = datetime.now(UTC)
    value = request.query.get(PARAM[kind])
    period = None
    if value is not None:
        try:
            period = periods.parse(kind, value, settings.metrics_timezone, now)
        except PeriodError as error:
            raise HttpError(400, str(error)) from None
    if not store_module.configured(settings):
        raise HttpError(503, "no store configured (set DATABASE_URL or SUPABASE_URL + key)")
    try:
        with Store.from_settings(settings) as db:
            stored = report_store.load(db, kind, period.key if period else None)
            if stored is not None:
                return stored.body
            if period is None:
                raise HttpError(
                    404, f"no {kind} report stored yet; ask for one with ?{PARAM[kind]}="
                )
            return build_report(db, settings, load_monitor_config(settings), period, now)
    except StoreError as error:
        raise HttpError(503, f"store unavailable: {error.reason}") from None


def report_endpoint(kind: Kind) -> Callable[[Request], Response]:
    def handler(request: Request) -> Response:
        require_token(request)
        form = request.query.get("format", "json")
        if form not in FORMATS:
            raise HttpError(400, f"format must be one of {', '.join(FORMATS)}")
        return render(find(request, kind), form)

    return handler


weekly_response = report_endpoint("weekly")
monthly_response = report_endpoint("monthly")
