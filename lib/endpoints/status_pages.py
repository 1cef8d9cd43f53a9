"""The small HTML pages behind subscriber links (confirm, unsubscribe, preferences).

A link only shows a page with a button: mail scanners that open links must not confirm or
unsubscribe anyone; the button POSTs (RFC 8058's one-click POST needs no page at all)."""

from __future__ import annotations

from lib.core import safe_text
from lib.core.components import Component
from lib.core.http import Response

# No script, no style; the form may post only back here.
PAGE_CSP = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"


def page(title: str, body: str, status: int = 200) -> Response:
    html = (
        '<!doctype html><html lang="de"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{safe_text.html(title)}</title></head>"
        f"<body><h1>{safe_text.html(title)}</h1>{body}</body></html>"
    )
    headers = {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        "Content-Security-Policy": PAGE_CSP,
    }
    return Response(status, html.encode(), headers)


def button_page(title: str, text: str, action: str, label: str) -> Response:
    form = (
        f"<p>{safe_text.html(text)}</p>"
        f'<form method="post" action="{safe_text.html(action, 2048)}">'
        f'<button type="submit">{safe_text.html(label)}</button></form>'
    )
    return page(title, form)


def preferences_page(
    action: str, components: tuple[Component, ...], chosen: list[str] | None, language: str
) -> Response:
    boxes = "".join(
        f'<p><label><input type="checkbox" name="components" value="{c.id}"'
        f"{' checked' if chosen is None or c.id in chosen else ''}> "
        f"{safe_text.html(c.name.de)} / {safe_text.html(c.name.en)}</label></p>"
        for c in components
    )
    languages = "".join(
        f'<label><input type="radio" name="language" value="{code}"'
        f"{' checked' if language == code else ''}> {name}</label> "
        for code, name in (("de", "Deutsch"), ("en", "English"))
    )
    form = (
        f'<form method="post" action="{safe_text.html(action, 2048)}">{boxes}<p>{languages}</p>'
        '<button type="submit">Speichern / Save</button></form>'
    )
    return page("Einstellungen / Preferences", form)
