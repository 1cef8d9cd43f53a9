"""lib/core/status_words.py: one table of words, documented once, one rule for the whole."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lib.alerts.rules.base import ObservedState
from lib.core import status_words as words
from lib.core.status_words import Level, overall, page_word
from lib.doctor import STATUSES

DOC = Path(__file__).resolve().parents[1] / "docs" / "status-words.md"


def documented() -> dict[str, dict[str, str]]:
    """Each `## ` section's table of docs/status-words.md: {word: meaning}."""
    found: dict[str, dict[str, str]] = {}
    section = ""
    for line in DOC.read_text().splitlines():
        if line.startswith("## "):
            section = line[3:]
        elif row := re.match(r"^\| `([^`]+)` \| (.+) \|$", line):
            found.setdefault(section, {})[row[1]] = row[2]
    return found


def test_the_page_documents_every_word_with_its_sentence() -> None:
    tables = list(documented().values())
    assert tables == list(words.MEANINGS.values())
    assert len(words.table()) == sum(len(t) for t in tables)


def test_every_vocabulary_in_code_is_the_documented_one() -> None:
    meanings = list(words.MEANINGS.values())
    service, health, page, draft, doctor, observed = (tuple(m) for m in meanings)
    pairs = tuple(f"{words.DATABASE_WORDS[lv]} / {words.SERVICE_WORDS[lv]}" for lv in Level)
    assert service == (*pairs[:3], "not_configured")
    assert health == words.words_of(words.Health)
    assert page == words.words_of(words.Page)
    assert draft == words.words_of(words.Draft)
    assert doctor == words.words_of(words.Doctor) == STATUSES
    assert observed == words.words_of(words.Observed) == words.words_of(ObservedState)
    assert set(words.PAGE_COLORS) == set(words.PAGE_DESCRIPTIONS) == set(page)


DOWN, SLOW, OK, UNSET = Level.DOWN, Level.DEGRADED, Level.OK, Level.NOT_CONFIGURED


@pytest.mark.parametrize(
    ("levels", "health", "page"),
    [
        ({"database": OK, "stripe": UNSET}, "healthy", "operational"),
        ({"database": OK, "stripe": SLOW}, "degraded", "degraded"),
        ({"database": OK, "stripe": DOWN}, "degraded", "degraded"),
        ({"database": DOWN, "stripe": OK}, "unhealthy", "down"),
        ({"database": UNSET}, "healthy", "unknown"),  # nothing checked: the page cannot tell
    ],
)
def test_live_health_and_the_status_page_agree(
    levels: dict[str, Level], health: str, page: str
) -> None:
    assert overall(levels, {"database"}) == health
    stored = {n: words.PAGE_SERVICE.get(lv, "unknown") for n, lv in levels.items()}
    assert page_word(stored, {"database"}, maintenance=False, critical_incident=False) == page


def test_page_word_layers_maintenance_and_critical_alerts() -> None:
    fine = {"database": "operational", "stripe": "unknown"}
    assert page_word(fine, {"database"}, maintenance=True, critical_incident=True) == "maintenance"
    assert page_word(fine, {"database"}, maintenance=False, critical_incident=True) == "degraded"
    down = {"database": "down"}
    assert page_word(down, {"database"}, maintenance=False, critical_incident=True) == "down"
    assert page_word({}, {"database"}, maintenance=False, critical_incident=False) == "unknown"
