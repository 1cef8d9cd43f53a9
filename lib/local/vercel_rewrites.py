"""The `rewrites` of vercel.json into functions, applied by the dev server as Vercel does."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from urllib.parse import quote

# `/api/ping/:path*`: literal text, then one named parameter matching the rest of the path.
_WILDCARD = re.compile(r"^(?P<prefix>/[^:()]*?)/:(?P<name>[a-z]+)\*$")


@cache
def function_rewrites(vercel_json: Path) -> tuple[tuple[str, str, str], ...]:
    """(prefix, parameter, destination with `:parameter`) of each `/x/:p*` rewrite to `/api`."""
    found = []
    for entry in json.loads(vercel_json.read_text()).get("rewrites", []):
        match = _WILDCARD.match(entry["source"])
        if match and entry["destination"].startswith("/api/"):
            found.append((match["prefix"] + "/", match["name"], entry["destination"]))
    return tuple(found)


def rewrite(vercel_json: Path, path: str) -> tuple[str, str] | None:
    """(function path, query string) for a rewritten path; None when no rewrite matches."""
    for prefix, name, destination in function_rewrites(vercel_json):
        if path.startswith(prefix) and len(path) > len(prefix):
            target = destination.replace(f":{name}*", quote(path[len(prefix) :], safe="/"))
            function, _, query = target.partition("?")
            return function, query
    return None
