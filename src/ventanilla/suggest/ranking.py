"""Hybrid re-ranking: full-text candidates and embedding neighbours, one weighted score.

Pure functions over plain values (no models), so the evaluation in ``benchmarks/suggest.py``
ranks exactly as the ticket page does. Full-text scores (``ts_rank``, BM25...) have no fixed
scale, so they are divided by the best one of the query; cosine similarities are used as they
are. A candidate found by one side only gets 0 from the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# Tuned on the dev split of benchmarks/data/suggest_eval.json by recall@5 (benchmarks/
# suggest.py): on paraphrases the full-text side mostly brings candidates, and a larger
# weight lets one shared common word outrank the right meaning (0.3: recall@5 0.72).
TEXT_WEIGHT = 0.05
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
    text_weight: float = TEXT_WEIGHT,
    limit: int = 5,
) -> list[Ranked]:
    """The union of both candidate sets, best first by ``w·text + (1−w)·similarity``."""
    text = dict(text_hits)
    best = max(text.values(), default=0.0)
    scale = best if best > 0 else 1.0
    ranked = []
    for object_id in text.keys() | similarities.keys():
        lexical = text.get(object_id, 0.0) / scale
        meaning = similarities.get(object_id, 0.0)
        score = text_weight * lexical + (1.0 - text_weight) * meaning
        ranked.append(Ranked(object_id, score, lexical, meaning))
    ranked.sort(key=lambda r: (-r.score, r.object_id))
    return ranked[:limit]
