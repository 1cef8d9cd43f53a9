"""Markdown and plain-text forms of a report (the same content as the JSON)."""

from __future__ import annotations

from lib.core import safe_text
from lib.reports import format as fmt
from lib.reports.model import Report, Section, Table

# A report quotes outside text (alert messages, route keys, feed titles): every value is one
# line, Markdown-escaped in `markdown()` and cleaned in `text()` (lib/core/safe_text.py).
LIMIT = 1000


def md(value: object) -> str:
    return safe_text.markdown(value, LIMIT)


def txt(value: object) -> str:
    return safe_text.plain(value, LIMIT)


def _md_table(table: Table) -> list[str]:
    lines = ["| " + " | ".join(md(c) for c in table.columns) + " |"]
    lines.append("|" + "---|" * len(table.columns))
    lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in table.rows]
    return lines


def _section_md(section: Section) -> list[str]:
    lines = [f"## {md(section.title)}"]
    for f in section.figures:
        change = fmt.change(f)
        extra = "; ".join(x for x in (change and f"{change} vs previous", f.note) if x)
        lines.append(f"- {md(f.label)}: {md(fmt.value(f))}" + (f" ({md(extra)})" if extra else ""))
    lines += [f"- {md(line)}" for line in section.lines]
    if section.table is not None:
        lines += ["", *_md_table(section.table)]
    return [*lines, ""]


def markdown(report: Report) -> str:
    lines = [
        f"# {md(report.title)}",
        f"Date: week of {report.first_day:%d %B %Y}"
        if report.kind == "weekly"
        else f"Date: {report.first_day:%B %Y}",
        f"Period: {report.first_day} to {report.last_day} ({md(report.timezone)}); "
        f"compared with {md(report.previous_period)}",
        "",
        f"**{md(report.headline)}**",
        "",
        "## Success Criteria",
    ]
    for c in report.criteria:
        shown = f"{c.label} {c.target}: {fmt.criterion_value(c)}"
        lines.append(f"- {fmt.verdict(c)} {md(shown)}")
    lines.append("")
    for section in report.sections:
        lines += _section_md(section)
    lines.append("## Recommendations")
    if not report.recommendations:
        lines.append("- No criterion missed and no alert fired: nothing to recommend.")
    for r in report.recommendations:
        lines.append(f"- **{md(r.title)}** ({md(r.trigger)})")
        lines += [f"  - Evidence: {md(e)}" for e in r.evidence]
        lines += [f"  - Step {i}: {md(s)}" for i, s in enumerate(r.steps, 1)]
    if report.missing:
        lines += ["", "## Missing Sources", *[f"- {md(m)}" for m in report.missing]]
    return "\n".join(lines) + "\n"


def _text_table(table: Table) -> list[str]:
    table = Table(
        columns=[txt(c) for c in table.columns], rows=[[txt(c) for c in row] for row in table.rows]
    )
    widths = [
        max(len(col), *(len(row[i]) for row in table.rows)) if table.rows else len(col)
        for i, col in enumerate(table.columns)
    ]
    rows = [table.columns, *table.rows]
    return [
        "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def text(report: Report) -> str:
    """Plain text for the e-mail: the Markdown structure without its markup."""
    title = txt(report.title)
    lines = [title, "=" * len(title)]
    lines.append(
        f"{report.first_day} to {report.last_day} ({txt(report.timezone)}), compared with "
        f"{txt(report.previous_period)}"
    )
    lines += ["", txt(report.headline), "", "SUCCESS CRITERIA"]
    for c in report.criteria:
        shown = f"{c.label} {c.target}: {fmt.criterion_value(c)}"
        lines.append(f"  [{fmt.verdict(c)}] {txt(shown)}")
    for section in report.sections:
        lines += ["", txt(section.title).upper()]
        for f in section.figures:
            change = fmt.change(f)
            extra = "; ".join(x for x in (change and f"{change} vs previous", f.note) if x)
            lines.append(
                f"  {txt(f.label)}: {txt(fmt.value(f))}" + (f" ({txt(extra)})" if extra else "")
            )
        lines += [f"  {txt(line)}" for line in section.lines]
        if section.table is not None and section.table.rows:
            lines += _text_table(section.table)
    lines += ["", "RECOMMENDATIONS"]
    if not report.recommendations:
        lines.append("  No criterion missed and no alert fired: nothing to recommend.")
    for r in report.recommendations:
        lines.append(f"  * {txt(r.title)} ({txt(r.trigger)})")
        lines += [f"      evidence: {txt(e)}" for e in r.evidence]
        lines += [f"      {i}. {txt(s)}" for i, s in enumerate(r.steps, 1)]
    if report.missing:
        lines += ["", "MISSING SOURCES", *[f"  {txt(m)}" for m in report.missing]]
    return "\n".join(lines) + "\n"
