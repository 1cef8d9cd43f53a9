"""HTML form of a report for the e-mail: inline styles only (mail clients drop <style>)."""

from __future__ import annotations

from lib.core import safe_text
from lib.reports import format as fmt
from lib.reports.model import Report, Section, Table

CELL = "padding:4px 8px;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top"
TABLE = "border-collapse:collapse;width:100%;font-size:14px"
H2 = "font-size:17px;margin:24px 0 8px"
BODY = "margin:0;background:#f3f4f6;font-family:-apple-system,Segoe UI,Roboto,sans-serif"
PAGE = "max-width:720px;margin:0 auto;background:#ffffff;padding:24px;color:#111827"
MUTED = "color:#6b7280"
COLORS = {"MET": "#15803d", "MISSED": "#b91c1c", "NO DATA": "#6b7280"}


def escape(value: object) -> str:
    """Outside text as HTML: cleaned of control and bidi characters, escaped, bounded."""
    return safe_text.html(value, 1000)


def _td(content: str, style: str = "") -> str:
    return f'<td style="{CELL}{";" + style if style else ""}">{content}</td>'


def _table(columns: list[str], rows: list[str]) -> str:
    head = "".join(f'<th style="{CELL}">{escape(c)}</th>' for c in columns)
    return f'<table style="{TABLE}"><tr>{head}</tr>{"".join(rows)}</table>'


def _plain(table: Table) -> str:
    rows = ["<tr>" + "".join(_td(escape(c)) for c in row) + "</tr>" for row in table.rows]
    return _table(table.columns, rows)


def _block(id_: str, title: str, content: str) -> str:
    return f'<section id="{id_}"><h2 style="{H2}">{escape(title)}</h2>{content}</section>'


def _section(section: Section) -> str:
    parts = [f'<h2 style="{H2}">{escape(section.title)}</h2>']
    if section.figures:
        rows = []
        for f in section.figures:
            style = f"{MUTED};font-style:italic" if f.value is None else "font-weight:600"
            note = f'<br><small style="{MUTED}">{escape(f.note)}</small>' if f.note else ""
            rows.append(
                f'<tr data-figure="{escape(f.key)}">{_td(escape(f.label) + note)}'
                f"{_td(escape(fmt.value(f)), style)}{_td(escape(fmt.change(f)))}</tr>"
            )
        parts.append(_table(["Figure", "Value", "vs previous"], rows))
    parts += [
        f'<p style="margin:6px 0;font-size:14px">{escape(line)}</p>' for line in section.lines
    ]
    if section.table is not None and section.table.rows:
        parts.append(_plain(section.table))
    return f'<section id="{escape(section.id)}">{"".join(parts)}</section>'


def _criteria(report: Report) -> str:
    rows = []
    for c in report.criteria:
        word = fmt.verdict(c)
        rows.append(
            f'<tr data-criterion="{escape(c.key)}">{_td(escape(f"{c.label} {c.target}"))}'
            f"{_td(escape(fmt.criterion_value(c)))}"
            f"{_td(word, f'font-weight:700;color:{COLORS[word]}')}</tr>"
        )
    return _table(["Criterion", "Value", "Verdict"], rows)


def _recommendations(report: Report) -> str:
    items = []
    for r in report.recommendations:
        evidence = "".join(f"<li>Evidence: {escape(e)}</li>" for e in r.evidence)
        steps = "".join(f"<li>{escape(s)}</li>" for s in r.steps)
        items.append(
            f'<li style="margin-bottom:10px"><strong>{escape(r.title)}</strong> '
            f'<span style="{MUTED}">({escape(r.trigger)})</span>'
            f"<ul>{evidence}</ul><ol>{steps}</ol></li>"
        )
    if not items:
        items.append("<li>No criterion missed and no alert fired: nothing to recommend.</li>")
    return f'<ul style="font-size:14px;padding-left:20px">{"".join(items)}</ul>'


def html(report: Report) -> str:
    period = (
        f"{report.first_day} to {report.last_day} ({escape(report.timezone)}), "
        f"compared with {escape(report.previous_period)}"
    )
    missing = ""
    if report.missing:
        listed = "".join(f"<li>{escape(m)}</li>" for m in report.missing)
        missing = _block("missing", "Missing Sources", f"<ul>{listed}</ul>")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(report.title)}</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f'<body style="{BODY}"><div style="{PAGE}">'
        f'<h1 style="font-size:22px;margin:0 0 4px">{escape(report.title)}</h1>'
        f'<p style="margin:0 0 16px;{MUTED}">{period}</p>'
        f'<p id="headline" style="font-size:18px;font-weight:700">{escape(report.headline)}</p>'
        + _block("criteria", "Success Criteria", _criteria(report))
        + "".join(_section(s) for s in report.sections)
        + _block("recommendations", "Recommendations", _recommendations(report))
        + f"{missing}</div></body></html>"
    )
