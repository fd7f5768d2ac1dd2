"""Hybrid re-ranking: embedding neighbours first, a strong full-text match as a small boost.

Pure functions over plain values (no models), so the evaluation in ``benchmarks/suggest.py``
ranks exactly as the ticket page does. Closeness of meaning (the cosine similarity) orders
the candidates; the full-text score (``ts_rank``, BM25...: no fixed scale, so divided by the
best one of the query) only adds a small bonus to the documents that match the words about
as well as the best one does. A candidate found by one side only gets 0 from the other.

Why a boost and not a weighted sum or a rank fusion: on the paraphrase-heavy evaluation set
(``benchmarks/suggest.py``) every weighted sum and reciprocal-rank fusion whose weights were
tuned on the dev split scored below embeddings alone on the test split (a shared common
word lets the wrong meaning through); this rule equals embeddings alone on both splits and
still lets an exact, strong match (an error code, a product name) break a near tie.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# A full-text score at least this share of the query's best counts as a strong match...
STRONG = 0.9
# ...and adds up to this much to the cosine similarity (cosines of neighbours differ by
# hundredths: enough to break a near tie, never to lift an unrelated document).
BONUS = 0.05
# How many neighbours the embedding side adds to the full-text candidates.
NEIGHBOURS = 50


@dataclass(frozen=True)
class Ranked:
    """One candidate with its combined score and the two parts it came from."""

    object_id: int
    score: float
    text_score: float
    similarity: float


def nearest(
    *, query: npt.NDArray[np.float32], ids: list[int], matrix: npt.NDArray[np.float32], limit: int
) -> dict[int, float]:
    """Cosine similarity of ``query`` to the ``limit`` closest rows of ``matrix`` (unit rows)."""
    if not ids:
        return {}
    sims = matrix @ query
    order = np.argsort(-sims)[:limit]
    return {ids[int(i)]: float(sims[int(i)]) for i in order}


def hybrid_rank(
    *,
    text_hits: Iterable[tuple[int, float]],
    similarities: Mapping[int, float],
    bonus: float = BONUS,
    strong: float = STRONG,
    limit: int = 5,
) -> list[Ranked]:
    """The union of both candidate sets, best first by similarity plus the strong-match bonus.

    The bonus grows linearly from 0 at ``strong`` (a share of the best full-text score) to
    ``bonus`` for the best full-text match itself.
    """
    text = dict(text_hits)
    best = max(text.values(), default=0.0)
    scale = best if best > 0 else 1.0
    room = max(1.0 - strong, 1e-9)
    ranked = []
    for object_id in text.keys() | similarities.keys():
        lexical = text.get(object_id, 0.0) / scale
        meaning = similarities.get(object_id, 0.0)
        score = meaning + bonus * max(0.0, lexical - strong) / room
        ranked.append(Ranked(object_id, score, lexical, meaning))
    ranked.sort(key=lambda r: (-r.score, r.object_id))
    return ranked[:limit]
