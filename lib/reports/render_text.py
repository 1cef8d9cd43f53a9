"""Markdown and plain-text forms of a report (the same content as the JSON)."""

from __future__ import annotations

from lib.reports import format as fmt
from lib.reports.model import Report, Section, Table


def _md_table(table: Table) -> list[str]:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in table.rows]
    return lines


def _section_md(section: Section) -> list[str]:
    lines = [f"## {section.title}"]
    for f in section.figures:
        change = fmt.change(f)
        extra = "; ".join(x for x in (change and f"{change} vs previous", f.note) if x)
        lines.append(f"- {f.label}: {fmt.value(f)}" + (f" ({extra})" if extra else ""))
    lines += [f"- {line}" for line in section.lines]
    if section.table is not None:
        lines += ["", *_md_table(section.table)]
    return [*lines, ""]


def markdown(report: Report) -> str:
    lines = [
        f"# {report.title}",
        f"Date: week of {report.first_day:%d %B %Y}"
        if report.kind == "weekly"
        else f"Date: {report.first_day:%B %Y}",
        f"Period: {report.first_day} to {report.last_day} ({report.timezone}); "
        f"compared with {report.previous_period}",
        "",
        f"**{report.headline}**",
        "",
        "## Success Criteria",
    ]
    for c in report.criteria:
        lines.append(f"- {fmt.verdict(c)} {c.label} {c.target}: {fmt.criterion_value(c)}")
    lines.append("")
    for section in report.sections:
        lines += _section_md(section)
    lines.append("## Recommendations")
    if not report.recommendations:
        lines.append("- No criterion missed and no alert fired: nothing to recommend.")
    for r in report.recommendations:
        lines.append(f"- **{r.title}** ({r.trigger})")
        lines += [f"  - Evidence: {e}" for e in r.evidence]
        lines += [f"  - Step {i}: {s}" for i, s in enumerate(r.steps, 1)]
    if report.missing:
        lines += ["", "## Missing Sources", *[f"- {m}" for m in report.missing]]
    return "\n".join(lines) + "\n"


def _text_table(table: Table) -> list[str]:
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
    lines = [report.title, "=" * len(report.title)]
    lines.append(
        f"{report.first_day} to {report.last_day} ({report.timezone}), compared with "
        f"{report.previous_period}"
    )
    lines += ["", report.headline, "", "SUCCESS CRITERIA"]
    for c in report.criteria:
        lines.append(f"  [{fmt.verdict(c)}] {c.label} {c.target}: {fmt.criterion_value(c)}")
    for section in report.sections:
        lines += ["", section.title.upper()]
        for f in section.figures:
            change = fmt.change(f)
            extra = "; ".join(x for x in (change and f"{change} vs previous", f.note) if x)
            lines.append(f"  {f.label}: {fmt.value(f)}" + (f" ({extra})" if extra else ""))
        lines += [f"  {line}" for line in section.lines]
        if section.table is not None and section.table.rows:
            lines += _text_table(section.table)
    lines += ["", "RECOMMENDATIONS"]
    if not report.recommendations:
        lines.append("  No criterion missed and no alert fired: nothing to recommend.")
    for r in report.recommendations:
        lines.append(f"  * {r.title} ({r.trigger})")
        lines += [f"      evidence: {e}" for e in r.evidence]
        lines += [f"      {i}. {s}" for i, s in enumerate(r.steps, 1)]
    if report.missing:
        lines += ["", "MISSING SOURCES", *[f"  {m}" for m in report.missing]]
    return "\n".join(lines) + "\n"
