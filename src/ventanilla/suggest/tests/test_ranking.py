"""Hybrid re-ranking as a pure function."""

from __future__ import annotations

import numpy as np
import pytest

from ventanilla.suggest.ranking import hybrid_rank, nearest


def test_union_of_both_sides_meaning_first():
    ranked = hybrid_rank(
        text_hits=[(1, 8.0), (2, 4.0)],
        similarities={2: 0.9, 3: 0.8},
        limit=5,
    )
    assert [r.object_id for r in ranked] == [2, 3, 1]
    assert ranked[0].text_score == 0.5
    assert ranked[0].similarity == 0.9
    assert ranked[2].similarity == 0.0  # found by full text only


def test_a_strong_text_match_breaks_a_near_tie_only():
    hits = [(1, 10.0), (2, 9.5), (3, 5.0)]
    near = hybrid_rank(text_hits=hits, similarities={1: 0.70, 3: 0.72}, limit=5)
    assert [r.object_id for r in near] == [1, 3, 2]
    assert near[0].score == pytest.approx(0.70 + 0.05)
    assert near[2].score == pytest.approx(0.05 * 0.5)  # 0.95 of the best: half the bonus
    far = hybrid_rank(text_hits=hits, similarities={1: 0.50, 3: 0.72}, limit=5)
    assert [r.object_id for r in far][:2] == [3, 1]


def test_text_scores_are_relative_to_the_best_of_the_query():
    small = hybrid_rank(text_hits=[(1, 0.02)], similarities={}, bonus=1.0)
    large = hybrid_rank(text_hits=[(1, 20.0)], similarities={}, bonus=1.0)
    assert small[0].score == large[0].score == 1.0


def test_limit_and_stable_ties():
    ranked = hybrid_rank(text_hits=[], similarities={5: 0.5, 4: 0.5, 9: 0.1}, limit=2)
    assert [r.object_id for r in ranked] == [4, 5]


def test_nearest_keeps_the_closest_rows():
    matrix = np.eye(3, dtype=np.float32)
    query = np.array([0.6, 0.8, 0.0], dtype=np.float32)
    assert nearest(query=query, ids=[10, 11, 12], matrix=matrix, limit=2) == {
        11: np.float32(0.8).item(),
        10: np.float32(0.6).item(),
    }
    assert nearest(query=query, ids=[], matrix=matrix[:0], limit=2) == {}
