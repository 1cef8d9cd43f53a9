"""Every vendor delivery fixture under tests/fixtures/vendors/ names its source URL: a line of a
SOURCES.md beside or above it, or a sibling `.source` (docs/development.md, "How we test
vendors")."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDORS = ROOT / "tests" / "fixtures" / "vendors"
NOTES = ("SOURCES.md", "README.md")
URL = re.compile(r"https://\S+")


def fixtures() -> list[Path]:
    return sorted(
        p
        for p in VENDORS.rglob("*")
        if p.is_file()
        and p.name not in NOTES
        and p.suffix != ".source"
        and "__pycache__" not in p.parts
    )


def has_source(path: Path, root: Path = VENDORS) -> bool:
    sibling = path.with_name(path.name + ".source")
    if sibling.is_file() and URL.search(sibling.read_text()):
        return True
    folder = path.parent
    while folder.is_relative_to(root):
        for note in NOTES:
            listing = folder / note
            if not listing.is_file():
                continue
            name = path.relative_to(folder).as_posix()
            for line in listing.read_text().splitlines():
                if f"`{name}`" in line and URL.search(line):
                    return True
        folder = folder.parent
    return False


def test_every_vendor_fixture_has_a_source_url() -> None:
    found = fixtures()
    assert len(found) >= 3  # the listing worked
    missing = [str(p.relative_to(ROOT)) for p in found if not has_source(p)]
    assert missing == [], f"vendor fixtures without a source URL: {missing}"


def test_the_check_finds_a_fixture_without_a_source(tmp_path: Path) -> None:
    (tmp_path / "acme").mkdir()
    stray = tmp_path / "acme" / "delivery.json"
    stray.write_text("{}")
    assert not has_source(stray, tmp_path)
    (tmp_path / "SOURCES.md").write_text("| `acme/delivery.json` | no address |\n")
    assert not has_source(stray, tmp_path)  # named, but without a URL
    (tmp_path / "SOURCES.md").write_text("| `acme/delivery.json` | https://acme.example/doc |\n")
    assert has_source(stray, tmp_path)
    other = tmp_path / "acme" / "other.json"
    other.write_text("{}")
    assert not has_source(other, tmp_path)
    other.with_name("other.json.source").write_text("https://acme.example/other\n")
    assert has_source(other, tmp_path)
