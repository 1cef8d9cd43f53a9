"""Latency histograms over fixed log-spaced bounds, so buckets add and percentiles come from sums.

Bucket 0 holds values up to 1 (ms, or CLS × 1000); bucket i holds (R**(i-1), R**i]; the last one
everything above R**(N-2) (about 78 s). A percentile is reported as the geometric middle of the
bucket it falls in, so it is within RELATIVE_ERROR of the true value (sqrt(R) - 1, about 9.1 %)
for any value between 1 and the last bound.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence

R = 2**0.25
N = 67  # 0..1 ms, 65 log buckets up to ~78 s, and an overflow bucket
RELATIVE_ERROR = math.sqrt(R) - 1
_LOG_R = math.log(R)


def bucket_of(value: float) -> int:
    """The bucket a value falls in (negative values count as 0)."""
    if value <= 1:
        return 0
    return min(N - 1, math.ceil(math.log(value) / _LOG_R - 1e-9))


def empty() -> list[int]:
    return [0] * N


def array_literal(counts: Sequence[int]) -> str:
    """`{0,3,1}`: PostgreSQL reads a bigint[] from this text twice as fast as from a JSON array."""
    return "{" + ",".join(map(str, counts)) + "}"


def add(into: list[int], other: Sequence[int]) -> list[int]:
    """Add `other` into `into` element by element (C-level map: this runs per bucket row)."""
    if len(other) == len(into):
        into[:] = map(operator.add, into, other)
    else:
        for i, count in enumerate(other[: len(into)]):
            into[i] += int(count)
    return into


def quantile(counts: Sequence[float], q: float) -> float | None:
    """The q-quantile (0 < q <= 1) of a histogram; None when it is empty."""
    total = sum(counts)
    if total <= 0:
        return None
    rank = q * total
    seen = 0.0
    for i, count in enumerate(counts):
        seen += count
        if count and seen >= rank - 1e-9:
            return _middle(i)
    return _middle(len(counts) - 1)


def _middle(i: int) -> float:
    if i == 0:
        return 1.0
    return R ** (i - 0.5)
