"""Duration histograms with fixed log-spaced buckets: medians and p90 from rollup rows.

A rollup row cannot keep every duration, and a median cannot be summed; counts per bucket
can. The bucket edges are fixed (1 minute × 2^(0.75·k), k = 0..23: about 1.68× apart, up
to about 110 days), so the rows of any period and any filter add up bucket by bucket, and
a quantile read from the sum is within one bucket of the exact one; inside its bucket it is
interpolated on the log scale, which keeps the error to a few per cent for smooth data.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence

RATIO_EXPONENT = 0.75
EDGES: tuple[float, ...] = tuple(2 ** (RATIO_EXPONENT * k) for k in range(24))
# Bucket 0 holds [0, 1 min); bucket i (1..23) holds [EDGES[i-1], EDGES[i]); the last one
# holds everything from EDGES[-1] minutes on.
BUCKETS = len(EDGES) + 1


def bucket_of(minutes: float) -> int:
    """Return the bucket index of a duration in minutes (negative durations count as 0)."""
    return bisect_right(EDGES, max(minutes, 0.0))


def _bounds(index: int) -> tuple[float, float]:
    low = 0.0 if index == 0 else EDGES[index - 1]
    high = EDGES[index] if index < len(EDGES) else EDGES[-1] * 2**RATIO_EXPONENT
    return low, high


def quantile(counts: Sequence[int], q: float) -> float | None:
    """Return the ``q`` quantile (0..1) in minutes of a histogram, or None when it is empty."""
    total = sum(counts)
    if total <= 0:
        return None
    rank = q * total
    seen = 0
    for index, count in enumerate(counts):
        if count <= 0:
            continue
        if seen + count >= rank:
            low, high = _bounds(index)
            share = (rank - seen) / count
            if low <= 0:
                return high * share
            return math.exp(math.log(low) + share * (math.log(high) - math.log(low)))
        seen += count
    return _bounds(len(counts) - 1)[0]
