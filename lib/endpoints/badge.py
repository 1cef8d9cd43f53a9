"""/api/badge: a shields.io endpoint badge (strict schema) or a self-rendered SVG badge."""

from __future__ import annotations

from typing import Literal
from xml.sax.saxutils import escape

from pydantic import BaseModel, ConfigDict, Field

from lib.core.http import HttpError, Request, Response, echo, json_response
from lib.core.status_words import PAGE_COLORS
from lib.endpoints.status import CORS, PUBLIC_CACHE, load_status, preflight
from lib.endpoints.status_model import WINDOWS

CACHE_SECONDS = 300  # shields.io never caches endpoint badges for less than 300 s
LABEL = "CarBot"
SVG = "image/svg+xml; charset=utf-8"

STATUS_COLORS = PAGE_COLORS  # lib/core/status_words.py
# Uptime colour bands (lowest percentage first reaching the band), the guide's target is 99.9 %.
UPTIME_BANDS: tuple[tuple[float, str], ...] = (
    (99.9, "brightgreen"),
    (99.0, "green"),
    (98.0, "yellowgreen"),
    (95.0, "yellow"),
    (90.0, "orange"),
)
# shields' named colours as hex, for the SVG.
HEX = {
    "brightgreen": "#4c1",
    "green": "#97ca00",
    "yellowgreen": "#a4a61d",
    "yellow": "#dfb317",
    "orange": "#fe7d37",
    "red": "#e05d44",
    "blue": "#007ec6",
    "lightgrey": "#9f9f9f",
}
PARAMETERS: dict[str, tuple[str, ...]] = {
    "metric": ("status", "uptime"),
    "window": tuple(WINDOWS),
    "format": ("json", "svg"),
}


class ShieldsBadge(BaseModel):
    """shields.io endpoint schema: exactly these keys (shields rejects any other)."""

    model_config = ConfigDict(extra="forbid")

    schemaVersion: Literal[1] = 1
    label: str = Field(min_length=1)
    message: str = Field(min_length=1)
    color: str
    cacheSeconds: int = Field(CACHE_SECONDS, ge=300)


def parse_query(query: dict[str, str]) -> tuple[str, str, str]:
    """(metric, window, format) or a 400 naming the bad parameter and what is accepted."""
    for name, value in query.items():
        if name not in PARAMETERS:
            raise HttpError(
                400, f"unknown parameter {echo(name)}; accepted: {', '.join(PARAMETERS)}"
            )
        if value not in PARAMETERS[name]:
            accepted = ", ".join(PARAMETERS[name])
            raise HttpError(400, f"unknown {name} {echo(value)}; accepted: {accepted}")
    metric = query.get("metric", "status")
    if "window" in query and metric != "uptime":
        raise HttpError(400, "window applies to metric=uptime only")
    return metric, query.get("window", "30d"), query.get("format", "json")


def uptime_color(pct: float) -> str:
    return next((color for floor, color in UPTIME_BANDS if pct >= floor), "red")


def uptime_message(pct: float) -> str:
    """Two decimals rounded down (pct is already rounded down to three): 99.999 reads 99.99 %."""
    return f"{pct:.3f}"[:-1] + "%"


def badge_for(request: Request, metric: str, window: str) -> ShieldsBadge:
    body, _ = load_status(request.settings, history_days=0)
    if metric == "status":
        return ShieldsBadge(label=LABEL, message=body.status, color=STATUS_COLORS[body.status])
    pct = body.uptime.model_dump()[window]  # keyed by the window names (aliases)
    label = f"uptime {window}"
    if pct is None:
        return ShieldsBadge(label=label, message="unknown", color="lightgrey")
    return ShieldsBadge(label=label, message=uptime_message(pct), color=uptime_color(pct))


# Verdana 11 px advance widths (what shields measures with); other characters count as 7 px.
_WIDTHS = {
    **dict.fromkeys("0123456789", 7.0),
    **dict(zip("abcdefghijklmnopqrstuvwxyz", (
        6.6, 6.8, 5.7, 6.8, 6.6, 3.8, 6.8, 6.9, 3.0, 3.8, 6.4, 3.0, 10.7,
        6.9, 6.6, 6.8, 6.8, 4.7, 5.7, 4.3, 6.9, 6.4, 8.9, 6.4, 6.4, 5.6), strict=True)),
    **dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (
        7.5, 7.5, 7.7, 8.5, 7.0, 6.3, 8.5, 8.3, 4.6, 5.0, 7.6, 6.1, 9.3,
        8.2, 8.7, 6.6, 8.7, 7.7, 7.5, 6.8, 8.0, 7.5, 10.9, 7.5, 6.8, 7.5), strict=True)),
    " ": 3.9, ".": 3.5, ",": 3.5, "%": 11.9, "-": 4.6, "_": 7.0, ":": 4.6, "(": 4.5, ")": 4.5,
}  # fmt: skip
PADDING = 6  # px on each side of a text, as shields draws it


def text_width(text: str) -> float:
    return round(sum(_WIDTHS.get(ch, 7.0) for ch in text), 1)


def render_svg(badge: ShieldsBadge) -> str:
    """A flat shields-style badge; each text is held to its measured width with textLength."""
    label, message = escape(badge.label), escape(badge.message)
    label_text, message_text = text_width(badge.label), text_width(badge.message)
    left = round(label_text + 2 * PADDING)
    right = round(message_text + 2 * PADDING)
    width = left + right
    color = HEX.get(badge.color, badge.color)
    title = f"{label}: {message}"
    aria = escape(f"{badge.label}: {badge.message}", {'"': "&quot;"})
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" '
        f'viewBox="0 0 {width} 20" role="img" aria-label="{aria}">'
        f"<title>{title}</title>"
        '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" '
        'stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{width}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{color}"/>'
        f'<rect width="{width}" height="20" fill="url(#s)"/></g>'
        '<g fill="#fff" text-anchor="middle" '
        'font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{left / 2}" y="14" textLength="{label_text}" lengthAdjust="spacingAndGlyphs">'
        f"{label}</text>"
        f'<text x="{left + right / 2}" y="14" textLength="{message_text}" '
        f'lengthAdjust="spacingAndGlyphs">{message}</text></g></svg>'
    )


def badge_response(request: Request) -> Response:
    if request.method == "OPTIONS":
        return preflight()
    metric, window, fmt = parse_query(request.query)
    badge = badge_for(request, metric, window)
    headers = {**CORS, "Cache-Control": PUBLIC_CACHE}
    if fmt == "svg":
        return Response(200, render_svg(badge).encode(), {**headers, "Content-Type": SVG})
    return json_response(badge, headers=headers)
