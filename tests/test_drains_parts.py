"""A delivery read in parts (lib/drains/parts.py) and its record limit (lib/drains/receiver.py):
the parts hold exactly the records of the whole body, and a delivery over the limit is a 413
naming it, over real HTTP."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from lib.core.signatures import sign
from lib.drains import parts as parts_module
from lib.drains.parts import PART_RECORDS, parts
from lib.drains.receiver import MAX_RECORDS
from lib.drains.records import DrainError
from tests.conftest import DevServer
from tests.fakes.drains import SECRET, VERIFY, body_of, request_log

PATH = "/api/drains/vercel"
NOW = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)


def _records(n: int) -> list[dict]:
    tricky = ['},{"x": 1}', "grüße ☃ \\u00e9", "[]", '"quoted"\n']
    return [
        request_log(NOW, f"/api/leads/{i}", n=i) | {"message": tricky[i % len(tricky)]}
        for i in range(n)
    ]


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_parts_hold_exactly_the_records_of_the_body(fmt: str) -> None:
    records = _records(2 * PART_RECORDS + 7)
    body, _ = body_of(records, fmt)
    if fmt == "json":
        body = body.replace(b", {", b" ,\n {")  # whitespace between elements is allowed
    cut = list(parts(body))
    assert len(cut) == 3, "5,000 records a part"
    if fmt == "json":
        got = [record for part in cut for record in json.loads(part)]
    else:
        got = [json.loads(line) for part in cut for line in part.splitlines()]
    assert got == records


@pytest.mark.parametrize("window", [7, 50, 4096])
def test_an_array_read_through_a_small_window_is_read_whole(
    window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Elements longer than the window, cut by it anywhere, numbers at its edge: same records."""
    monkeypatch.setattr(parts_module, "_WINDOW", window)
    monkeypatch.setattr(parts_module, "PART_RECORDS", 3)
    records = [*_records(8), 12345678, "x" * 300, [1, [2]], None]
    body = json.dumps(records).replace(", ", " ,\n  ").encode()
    got = [element for part in parts(body) for element in json.loads(part)]
    assert got == records


@pytest.mark.parametrize(
    "body",
    [b"[", b'[{"a": 1} {"b": 2}]', b'[{"a": 1}] trailing', b'[{"a": "unterminated}]', b"[1,",
     b'[{"a": 1},]'],
)  # fmt: skip
@pytest.mark.parametrize("window", [5, 4096])
def test_a_broken_array_is_a_drain_error(
    body: bytes, window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parts_module, "_WINDOW", window)
    with pytest.raises(DrainError, match="neither JSON nor NDJSON"):
        list(parts(body))


def test_an_otlp_document_or_one_object_is_one_part() -> None:
    otlp = json.dumps({"resourceSpans": []}, indent=2).encode()
    assert list(parts(otlp)) == [otlp]
    one = b'{"resourceSpans": []}\n'
    assert list(parts(one)) == [one]
    assert list(parts(b"[]")) == []


def test_over_the_record_limit_is_a_413_naming_it(
    migrated_db: str, dev_server: Callable[[dict[str, str]], DevServer]
) -> None:
    server = dev_server({"DATABASE_URL": migrated_db, "VERCEL_DRAIN_SECRET": SECRET,
                         "VERCEL_VERIFY_TOKEN": VERIFY})  # fmt: skip
    line = b'{"id":"1","source":"static","timestamp":1700000000000}\n'
    body = gzip.compress(line * (MAX_RECORDS + 1))
    headers = {"content-encoding": "gzip", "x-vercel-signature": sign(SECRET, body)}
    answer = server.request("POST", PATH, content=body, headers=headers)
    assert answer.status_code == 413, answer.text
    assert f"{MAX_RECORDS:,} records" in answer.json()["error"]
    assert answer.headers["x-vercel-verify"] == VERIFY
    body = gzip.compress(line * MAX_RECORDS)
    headers = {"content-encoding": "gzip", "x-vercel-signature": sign(SECRET, body)}
    at_limit = server.request("POST", PATH, content=body, headers=headers)
    assert at_limit.status_code == 200 and at_limit.json()["records"] == MAX_RECORDS
