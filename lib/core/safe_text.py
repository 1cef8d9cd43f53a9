"""Outside text made safe for each place an operator reads it: HTML, chat, Markdown, text, CSV.

Text from outside (request paths, commit messages, branch names, provider incident names and
links, feed entries, alert messages quoting them) goes through one of the sink functions here
before any renderer or notifier shows it. Each first `clean()`s the text: ANSI escapes go, C0/C1
control characters, bidi overrides/isolates/marks and line/paragraph separators become a visible
U+FFFD (so `/admin\u202egnp.exe` cannot read as `/adminexe.png`), newlines become spaces, and the
length is bounded. Then the sink's own control syntax is escaped:

- HTML: `& < > " '` as entities;
- chat (Slack mrkdwn, Mattermost, Discord, Teams): `& < >` as `&amp; &lt; &gt;`, Slack's only
  control characters (https://api.slack.com/reference/surfaces/formatting#escaping), which also
  defuses `<!channel>`, `<@U…>` and disguised links `<https://x|text>`; `@channel`, `@here`,
  `@everyone` and `@all` get a zero-width space after the `@` (Discord and Mattermost ping them as
  plain words; the webhook also sends Discord's `allowed_mentions: {"parse": []}`,
  https://discord.com/developers/docs/resources/message#allowed-mentions-object); Markdown link
  syntax `[text](url)` (Discord, Teams) is broken by a zero-width space between `]` and `(`;
- Markdown: CommonMark's backslash escape (any ASCII punctuation may be escaped,
  https://spec.commonmark.org/0.31.2/#backslash-escapes) of what starts links, images, code,
  emphasis, HTML and table cells (`\\ ` * [ ] < |`) and, at the start, headings and quotes;
- Discord markdown (embeds): the Markdown escapes plus `_ ~` (italics, strike-through) and the
  mention words defused as for chat (Discord shows `&lt;` literally, so it gets no entities);
- CSV: a cell starting with `= + - @` (or tab/CR, removed by clean) gets a leading `'`, OWASP's
  advice against formula injection (https://owasp.org/www-community/attacks/CSV_Injection).

Links are kept only as `https://` URLs, and only from fields documented to hold one
(`https_link`); everything else is shown as text.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

LIMIT = 500  # characters of one shown value; a message may pass its own limit
LINK_LIMIT = 2048
MARK = "\ufffd"  # what a removed control or bidi character shows as: visible, never reorders
ELLIPSIS = "…"

# CSI (`ESC [ … final`), OSC (`ESC ] … BEL|ST`) and the two-character escapes.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# C0/C1 controls (tab and newline handled apart), DEL, the bidi embeddings, overrides, isolates
# and marks (U+202A-202E, U+2066-2069, U+200E/F, U+061C), line/paragraph separators, and the
# interlinear annotation characters.
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ufff9-\ufffb]"
)
_LINE_BREAKS = re.compile(r"[\t\r\n]+")
_MENTION = re.compile(r"@(?=(?:channel|here|everyone|all)\b)", re.IGNORECASE)
_MARKDOWN = re.compile(r"([\\`*\[\]<|])")
# Only at the start of a value (a list item or a cell): a heading or a quote.
_MARKDOWN_START = re.compile(r"^(\s*)([#>])")
_DISCORD_EXTRA = re.compile(r"([_~])")
_CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_URL_UNSAFE = re.compile(
    r"[\s\"'<>`\\\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069]"
)


def bound(text: str, limit: int = LIMIT) -> str:
    """At most `limit` characters; a cut ends with `…`."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + ELLIPSIS


def clean(value: object, limit: int = LIMIT) -> str:
    """One line of plain text: no ANSI escapes, no control or bidi characters, bounded."""
    text = "" if value is None else str(value)
    # Work on a bounded prefix: a 1 MB value costs no more than a short one (with headroom for
    # escapes that are removed).
    text = text[: limit * 4 + 64]
    text = _ANSI.sub("", text)
    text = _LINE_BREAKS.sub(" ", text)
    text = _CONTROL.sub(MARK, text)
    return bound(text, limit)


def plain(value: object, limit: int = LIMIT) -> str:
    """Plain text (e-mail text parts, `txt` reports, JSON shown to operators)."""
    return clean(value, limit)


def html(value: object, limit: int = LIMIT) -> str:
    """HTML element content or a quoted attribute value."""
    return escape(clean(value, limit), quote=True)


def chat(value: object, limit: int = LIMIT) -> str:
    """Slack-compatible `text` (Slack, Mattermost, Discord's /slack, Teams)."""
    text = clean(value, limit)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MENTION.sub("@\u200b", text)
    return text.replace("](", "]\u200b(")


def markdown(value: object, limit: int = LIMIT) -> str:
    """Markdown inline text: a list item or a table cell, never a link, image or heading."""
    return _MARKDOWN_START.sub(r"\1\\\2", _MARKDOWN.sub(r"\\\1", clean(value, limit)))


def discord(value: object, limit: int = LIMIT) -> str:
    """Discord message Markdown (embed title, description, field values)."""
    return _MENTION.sub("@\u200b", _DISCORD_EXTRA.sub(r"\\\1", markdown(value, limit)))


def csv_cell(value: object, limit: int = LIMIT) -> object:
    """A CSV cell: numbers as they are, text cleaned and never read as a formula."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = clean(value, limit)
    return "'" + text if text.startswith(_CSV_FORMULA) else text


def https_link(value: object) -> str | None:
    """`value` when it is an absolute `https://` URL with a host and nothing hidden in it."""
    if not isinstance(value, str) or not value or len(value) > LINK_LIMIT:
        return None
    if _URL_UNSAFE.search(value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    # A user part disguises the host: `https://stripe.com@evil.example/` goes to evil.example.
    if not value.startswith("https://") or not parts.hostname or "@" in parts.netloc:
        return None
    return value
