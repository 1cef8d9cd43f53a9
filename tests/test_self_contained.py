"""The repository carries what its tests need: no tracked file reaches outside the checkout."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A path that climbs out of the checkout into the folder it happens to sit beside.
OUTSIDE = re.compile(r"\.\./shared|\bshared/(upstream-specs|SPEC\.md|carbot-monitoring-guide)")


def tracked_files() -> list[Path]:
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return [ROOT / name for name in listing.split("\0") if name]


def test_no_tracked_file_refers_outside_the_repository() -> None:
    files = tracked_files()
    assert len(files) > 50  # the listing worked: this is the checkout, not an empty folder
    offenders = []
    for path in files:
        if not path.is_file() or path == Path(__file__):
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        offenders += [
            f"{path.relative_to(ROOT)}:{number}"
            for number, line in enumerate(text.splitlines(), 1)
            if OUTSIDE.search(line)
        ]
    assert offenders == []


def test_the_vendor_descriptions_are_in_the_repository() -> None:
    from tests.fakes import SPECS

    assert SPECS.is_relative_to(ROOT)
    readme = (SPECS / "README.md").read_text()
    for spec in sorted(SPECS.glob("*.json")):
        assert f"`{spec.name}`" in readme, (
            f"{spec.name} has no source line in tests/specs/README.md"
        )
