"""lib/core/safe_text.py, and hostile strings through every path from outside to every sink."""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from lib.core import safe_text
from lib.core.safe_text import chat, clean, csv_cell, html, https_link, markdown, plain
from lib.deployments.store import Deployment
from lib.drains.routes import route_group
from lib.notify import IncidentNote, Notification
from lib.notify.channels.webhook import WebhookChannel
from lib.notify.message import html_body, text_body
from lib.providers.fetch import parse_feed, parse_summary
from lib.reports.model import Figure, Recommendation, Report, Section, Table
from lib.reports.render_html import html as report_html
from lib.reports.render_text import markdown as report_md
from lib.reports.render_text import text as report_txt
from tests.alerting import T0
from tests.hostile import BIDI_OR_CONTROL, HOSTILE

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def assert_inert_text(shown: str, limit: int) -> None:
    """Cleaned plain text: no control or bidi characters, no line breaks, bounded."""
    assert not BIDI_OR_CONTROL.search(shown), repr(shown[:200])
    assert "\n" not in shown and "\t" not in shown
    assert len(shown) <= limit


@pytest.mark.parametrize("name", HOSTILE)
def test_each_sink_shows_a_hostile_string_as_inert_text(name: str) -> None:
    value = HOSTILE[name]
    for maker in (plain, html, chat, markdown):
        shown = maker(value)
        assert not BIDI_OR_CONTROL.search(shown) and "\n" not in shown
        assert len(shown) <= safe_text.LIMIT * 6  # escaping may lengthen, never unbounded
    assert_inert_text(plain(value), safe_text.LIMIT)
    # HTML: no tag, no attribute can start; quotes are entities.
    assert not re.search(r"[<>\"']", html(value))
    # Chat: Slack's three control characters only as entities; no mention, no masked link.
    shown = chat(value)
    assert "<" not in shown and ">" not in shown
    assert not re.search(r"&(?!amp;|lt;|gt;)", shown)
    assert not re.search(r"@(channel|here|everyone|all)\b", shown, re.IGNORECASE)
    assert "](" not in shown
    # Markdown: rendered, it is one paragraph of text with no link, image, heading or HTML.
    rendered = MarkdownIt("commonmark").render(f"- {markdown(value)}")
    assert rendered.startswith("<ul>\n<li>") and rendered.count("<li>") == 1
    for tag in ("<a ", "<img", "<h1", "<h2", "<blockquote", "<script", "<code"):
        assert tag not in rendered, rendered[:300]
    # CSV: never read as a formula.
    cell = csv_cell(value)
    assert isinstance(cell, str) and not cell.startswith(FORMULA_START)
    # Links: none of these is an https link.
    assert https_link(value) is None


def test_the_visible_results() -> None:
    assert plain("/admin\u202egnp.exe") == "/admin\ufffdgnp.exe"
    assert plain("\x1b[31mred\x1b[0m") == "red"
    assert plain("a\nb\r\nc\td") == "a b c d"
    assert plain("x" * 600) == "x" * 499 + "…"
    assert html('<a href="x">') == "&lt;a href=&quot;x&quot;&gt;"
    assert chat("<!channel> <https://evil.example/login|Vercel: re-authenticate here>") == (
        "&lt;!channel&gt; &lt;https://evil.example/login|Vercel: re-authenticate here&gt;"
    )
    assert chat("@everyone & @here") == "@\u200beveryone &amp; @\u200bhere"
    assert chat("[login](https://evil.example)") == "[login]\u200b(https://evil.example)"
    assert markdown("# big [x](y) ![i](z) a|b <b>") == r"\# big \[x\](y) !\[i\](z) a\|b \<b>"
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("-3") == "'-3" and csv_cell(-3.5) == -3.5
    assert csv_cell("2026-12-01") == "2026-12-01"


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://status.stripe.com/incidents/abc", True),
        ("https://stspg.io/inc1", True),
        ("http://status.stripe.com/incidents/abc", False),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox(1)", False),
        ("//evil.example/x", False),
        ("/incidents/abc", False),
        ("https://stripe.com@evil.example/", False),
        ("https://evil.example/\u202egnp.exe", False),
        ("https://evil.example/a b", False),
        ('https://evil.example/"onmouseover="x', False),
        ("https:///nohost", False),
        ("https://" + "a" * 3000 + ".example", False),
        (None, False),
        (42, False),
    ],
)
def test_https_link_keeps_only_plain_https(url: object, kept: bool) -> None:
    assert https_link(url) == (url if kept else None)


def test_a_megabyte_costs_no_more_than_a_line() -> None:
    started = time.perf_counter()
    for maker in (plain, html, chat, markdown, csv_cell):
        assert len(str(maker("<" * 1_000_000))) <= safe_text.LIMIT * 5
    assert time.perf_counter() - started < 0.5
    assert clean(None) == "" and clean(12.5) == "12.5"


# -- every path from outside to every sink ----------------------------------------------------


def notification(value: str) -> Notification:
    """An alert quoting outside text wherever a notification can: title, message, incident,
    grouped alerts, runbook evidence."""
    return Notification(
        id="x1",
        rule="build_failed:production",
        title=f"Build failed {value}",
        event="firing",
        severity="critical",
        message=f"production build failed: dpl_1 (commit abc1234 {value})",
        value=1,
        threshold=1,
        unit="failed builds",
        since=T0,
        at=T0,
        incident=IncidentNote(
            provider="Vercel", name=value, status="investigating", started_at=T0, url=value
        ),
        grouped=[value],
        runbook=[f"Open the build log of {value}"],
    )


def report(value: str) -> Report:
    """A report quoting outside text where it can: alert messages in a table, free lines,
    figure notes, recommendation evidence, missing sources."""
    return Report(
        kind="weekly",
        period="2026-W48",
        title="CarBot Weekly Health Report, week 48",
        subject="CarBot week 48",
        headline="All criteria met",
        generated_at=T0,
        timezone="Europe/Berlin",
        first_day=date(2026, 11, 23),
        last_day=date(2026, 11, 29),
        previous_period="2026-W47",
        criteria=[],
        sections=[
            Section(
                id="issues",
                title="Issues & Resolutions",
                figures=[Figure.of("requests", "Requests", "count", 10, note=value)],
                lines=[f"Slowest route: {value}"],
                table=Table(columns=["Rule", "Message"], rows=[["route_slow", value]]),
            )
        ],
        recommendations=[
            Recommendation(
                rule="r",
                title="Look at it",
                trigger="t",
                procedure="p",
                steps=["Step"],
                evidence=[value],
            )
        ],
        missing=[value],
    )


class Tags(HTMLParser):
    """Every start tag and attribute of an HTML document."""

    def __init__(self, document: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(document)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def assert_same_markup(hostile: str, benign: str) -> None:
    """The hostile document has exactly the tags and attribute names of the benign one."""
    shape = [(t, [a for a, _ in attrs]) for t, attrs in Tags(hostile).tags]
    assert shape == [(t, [a for a, _ in attrs]) for t, attrs in Tags(benign).tags]
    for _, attrs in Tags(hostile).tags:
        for name, value in attrs:
            assert not name.startswith("on")
            assert not (value or "").lower().lstrip().startswith(("javascript:", "data:"))


def lines_of(text: str) -> int:
    return len(text.splitlines())


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_text_through_notifications(name: str) -> None:
    value, benign = notification(HOSTILE[name]), notification("benign")
    # The webhook (Slack, Mattermost, Discord, Teams): escaped chat markup, nobody pinged.
    payload = WebhookChannel.payload(value)
    text = str(payload["text"])
    assert payload["allowed_mentions"] == {"parse": []}
    assert "<" not in text and ">" not in text and "](" not in text
    assert not re.search(r"@(channel|here|everyone|all)\b", text, re.IGNORECASE)
    assert not BIDI_OR_CONTROL.search(text.replace("\n", ""))
    assert lines_of(text) == lines_of(str(WebhookChannel.payload(benign)["text"]))
    assert len(text) < 6000
    for field in ("title", "message"):
        assert_inert_text(str(payload[field]), 1000)
    # E-mail: the text part keeps its lines; the HTML part its markup; no link but https.
    body = text_body(value)
    assert lines_of(body) == lines_of(text_body(benign))
    assert not BIDI_OR_CONTROL.search(body.replace("\n", ""))
    assert_same_markup(html_body(value), html_body(benign))
    assert "href" not in html_body(value)


def test_only_an_https_incident_link_is_shown() -> None:
    good = notification("x").model_copy(deep=True)
    assert good.incident is not None
    good.incident.url = "https://www.vercel-status.com/incidents/abc"
    assert "https://www.vercel-status.com/incidents/abc" in text_body(good)
    good.incident.url = "javascript:alert(1)"
    assert "javascript" not in text_body(good) and "javascript" not in html_body(good)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_text_through_reports(name: str) -> None:
    value, benign = report(HOSTILE[name]), report("benign")
    md = report_md(value)
    assert lines_of(md) == lines_of(report_md(benign))
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    benign_rendered = MarkdownIt("commonmark").enable("table").render(report_md(benign))
    assert_same_markup(rendered, benign_rendered)
    txt = report_txt(value)
    assert lines_of(txt) == lines_of(report_txt(benign))
    assert not BIDI_OR_CONTROL.search(txt.replace("\n", "")) and len(txt) < 20_000
    assert_same_markup(report_html(value), report_html(benign))


def test_paths_from_outside_into_the_models() -> None:
    """A commit message, a provider's summary.json and feed, a request path: each arrives as the
    text the sinks above are given, and each sink still shows it inert."""
    for value in HOSTILE.values():
        deployment = Deployment(
            id="dpl_1",
            url=None,
            target="production",
            state="error",
            sha="abc1234def",
            message=value,
            author=value,
            branch=value,
            created_at=T0,
            ready_at=None,
            promoted_at=None,
            error_at=T0,
        )
        described = deployment.describe()
        assert_inert_text(plain(described), safe_text.LIMIT)
        assert "<" not in chat(described)
        route = route_group(value[:5000])
        assert not BIDI_OR_CONTROL.search(route) and len(route) <= 200
    summary = (
        '{"page":{"id":"p","name":"P","url":"https://x.example","time_zone":"Etc/UTC",'
        '"updated_at":"2026-12-03T10:00:00Z"},"status":{"indicator":"minor","description":"d"},'
        '"components":[],"incidents":[{"id":"i","name":"<!channel> \u202eevil","status":'
        '"investigating","impact":"major","created_at":"2026-12-03T10:00:00Z","updated_at":'
        '"2026-12-03T10:00:00Z","started_at":"2026-12-03T10:00:00Z","shortlink":'
        '"javascript:alert(1)","incident_updates":[]}],"scheduled_maintenances":[]}'
    )
    _, _, (incident,), _ = parse_summary("vercel", summary.encode())
    note = IncidentNote(
        provider="Vercel",
        name=incident.name,
        status=incident.status,
        started_at=incident.started_at,
        url=incident.url,
    )
    hostile = notification("x").model_copy(update={"incident": note})
    assert "&lt;!channel&gt; \ufffdevil" in str(WebhookChannel.payload(hostile)["text"])
    assert "javascript" not in text_body(hostile)
    feed = (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>f</title>'
        "<entry><title>@everyone [x](https://evil.example)</title><id>a</id>"
        '<link href="javascript:alert(1)"/><updated>2026-12-03T10:00:00Z</updated>'
        "<summary>Status: Investigating</summary></entry></feed>"
    )
    now = T0.replace(year=2026, month=12, day=3) + timedelta(hours=1)
    _, _, (entry,), _ = parse_feed("stripe", feed.encode(), now)
    assert chat(entry.name) == "@\u200beveryone [x]\u200b(https://evil.example)"
    assert https_link(entry.url) is None


def test_csv_export_cells() -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(v) for v in HOSTILE.values()])
    (row,) = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert len(row) == len(HOSTILE)
    assert all(not cell.startswith(FORMULA_START) for cell in row)
    assert all(not BIDI_OR_CONTROL.search(cell) for cell in row)
