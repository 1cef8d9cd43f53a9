"""Numbers as the reports show them: units, changes, met/missed words."""

from __future__ import annotations

from lib.reports.model import Criterion, Figure


def number(value: float, unit: str) -> str:
    if unit == "%":
        shown = f"{value:.3f}".rstrip("0")  # 98.817 %, 93.0 %: as precise as the figure
        return (shown + "0" if shown.endswith(".") else shown) + " %"
    if unit == "EUR":
        return f"€{value:,.2f}"
    if unit == "USD":
        return f"${value:,.4f}" if abs(value) < 1 else f"${value:,.2f}"
    if unit == "ms":
        return f"{value:,.0f} ms"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:g}"


def value(figure: Figure) -> str:
    if figure.value is None:
        return figure.missing or "no data"
    return number(figure.value, figure.unit)


def change(figure: Figure) -> str:
    """ "+12 (+8.1 %) vs last period", or why there is no comparison."""
    if figure.value is None:
        return ""
    if figure.change is None:
        return "no figure for the period before"
    unit = "pp" if figure.unit == "%" else figure.unit
    shown = (
        number(abs(figure.change), figure.unit) if unit != "pp" else f"{abs(figure.change):.2f} pp"
    )
    sign = "+" if figure.change > 0 else "−" if figure.change < 0 else "±"
    pct = ""
    if figure.change_pct is not None:
        pct_sign = "+" if figure.change_pct > 0 else "−" if figure.change_pct < 0 else "±"
        pct = f" ({pct_sign}{abs(figure.change_pct):.1f} %)"
    return f"{sign}{shown}{pct}"


def verdict(criterion: Criterion) -> str:
    if criterion.met is None:
        return "NO DATA"
    return "MET" if criterion.met else "MISSED"


def criterion_value(criterion: Criterion) -> str:
    if criterion.value is None:
        return criterion.missing or "no data"
    return number(criterion.value, criterion.unit)
