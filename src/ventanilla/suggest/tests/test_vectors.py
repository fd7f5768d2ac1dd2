"""The per-process matrix of stored vectors: reused while unchanged, current after a change."""

from __future__ import annotations

import numpy as np
import pytest

from ventanilla.suggest.models import Embedding
from ventanilla.suggest.vectors import cached_vectors

pytestmark = pytest.mark.django_db


def _store(object_id: int, values: list[float]) -> None:
    row = np.asarray(values, dtype="<f4")
    Embedding.objects.update_or_create(
        kind="ticket",
        object_id=object_id,
        model_name="test-model",
        defaults={"vector": row.tobytes(), "text_sha256": str(values)},
    )


def _as_dict(vectors) -> dict[int, list[float]]:
    return {int(i): r.tolist() for i, r in zip(vectors.ids, vectors.rows, strict=True)}


def test_matrix_reused_until_a_vector_is_added_changed_or_deleted():
    _store(1, [1.0, 0.0])
    _store(2, [0.0, 1.0])
    first = cached_vectors(kind="ticket", model="test-model", newest=10)
    assert _as_dict(first) == {1: [1.0, 0.0], 2: [0.0, 1.0]}
    assert cached_vectors(kind="ticket", model="test-model", newest=10) is first
    _store(3, [0.25, 0.75])
    _store(1, [0.75, 0.25])
    changed = cached_vectors(kind="ticket", model="test-model", newest=10)
    assert _as_dict(changed) == {1: [0.75, 0.25], 2: [0.0, 1.0], 3: [0.25, 0.75]}
    assert list(changed.ids) == [3, 2, 1]  # newest first
    Embedding.objects.filter(object_id=2).delete()
    assert _as_dict(cached_vectors(kind="ticket", model="test-model", newest=10)) == {
        1: [0.75, 0.25],
        3: [0.25, 0.75],
    }


def test_only_the_newest_are_kept():
    for n in range(1, 5):
        _store(n, [float(n), 0.0])
    assert list(cached_vectors(kind="ticket", model="test-model", newest=2).ids) == [4, 3]
    _store(5, [5.0, 0.0])
    assert list(cached_vectors(kind="ticket", model="test-model", newest=2).ids) == [5, 4]
    assert cached_vectors(kind="ticket", model="other-model", newest=2).ids.size == 0
