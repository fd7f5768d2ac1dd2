"""The real embedder: shipped weights, normalised rows, meaning across es/en and wording."""

from __future__ import annotations

import numpy as np

from ventanilla.suggest.embedder import get_embedder


def test_rows_are_unit_float32_of_the_stated_dimension():
    embedder = get_embedder()
    rows = embedder.embed(["No puedo entrar en mi cuenta", "I cannot log in", ""])
    assert rows.shape == (3, embedder.dimension)
    assert rows.dtype == np.float32
    assert np.allclose(np.linalg.norm(rows[:2], axis=1), 1.0, atol=1e-3)
    assert embedder.embed([]).shape == (0, embedder.dimension)


def test_loaded_once_per_process():
    assert get_embedder() is get_embedder()


def test_paraphrase_in_other_words_and_language_is_closer_than_another_problem():
    rows = get_embedder().embed(
        [
            "Se me ha olvidado la clave de acceso",
            "How to reset your password",
            "La factura de marzo tiene un importe incorrecto",
        ]
    )
    assert rows[0] @ rows[1] > rows[0] @ rows[2] + 0.2
