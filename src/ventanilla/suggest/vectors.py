"""The stored vectors of one kind as one matrix, cached per process and kept current cheaply.

Loading tens of thousands of vectors from the database costs seconds; comparing a query with
them costs milliseconds. So each process keeps the matrix and, on every use, asks the
database one small question (how many vectors, the highest id, the latest change, answered
from an index): unchanged, the matrix is used as it is; only new or changed vectors, they are
merged in; anything else (a deletion), it is loaded again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt
from django.db.models import Count, Max

from ventanilla.suggest.models import Embedding

Ids = npt.NDArray[np.int64]
Matrix = npt.NDArray[np.float32]
Stamp = tuple[int, int, datetime | None]
# A vector's time is when its transaction wrote it, not when it committed: a change is read
# again if it is this recent, so one committed late behind a newer one is not missed.
SETTLE = timedelta(minutes=5)


@dataclass(frozen=True)
class Vectors:
    """Object ids and their unit rows (same order), as of ``stamp``."""

    ids: Ids
    rows: Matrix
    stamp: Stamp


_lock = threading.Lock()
_cache: dict[tuple[str, str, int], Vectors] = {}


def _stamp(kind: str, model: str) -> Stamp:
    found = Embedding.objects.filter(kind=kind, model_name=model).aggregate(
        n=Count("id"), top=Max("id"), at=Max("updated_at")
    )
    return int(found["n"]), int(found["top"] or 0), found["at"]


def _rows(kind: str, model: str, newest: int, since: datetime | None = None) -> Vectors:
    stored = Embedding.objects.filter(kind=kind, model_name=model)
    if since is not None:
        stored = stored.filter(updated_at__gt=since)
    pairs = stored.order_by("-object_id").values_list("object_id", "vector")[:newest]
    ids = np.fromiter((int(i) for i, _v in pairs), dtype=np.int64)
    if not len(ids):
        return Vectors(ids, np.zeros((0, 1), dtype=np.float32), (0, 0, None))
    rows = np.vstack([np.frombuffer(bytes(v), dtype="<f4") for _i, v in pairs])
    return Vectors(ids, rows.astype(np.float32), (0, 0, None))


def _merged(old: Vectors, new: Vectors, newest: int, stamp: Stamp) -> Vectors | None:
    """``old`` with ``new``'s rows replacing or joining its own; None when it cannot tell."""
    if not len(old.ids) or old.rows.shape[1] != new.rows.shape[1]:
        return None
    keep = ~np.isin(old.ids, new.ids)
    ids = np.concatenate([new.ids, old.ids[keep]])
    rows = np.vstack([new.rows, old.rows[keep]])
    order = np.argsort(-ids, kind="stable")[:newest]
    merged = Vectors(ids[order], rows[order], stamp)
    # Every stored vector is here (or the newest ``newest``): otherwise one was deleted.
    return merged if len(merged.ids) == min(stamp[0], newest) else None


def cached_vectors(*, kind: str, model: str, newest: int) -> Vectors:
    """The vectors of the ``newest`` objects of ``kind`` by ``model``, newest first."""
    stamp = _stamp(kind, model)
    key = (kind, model, newest)
    with _lock:
        old = _cache.get(key)
        if old is not None and old.stamp == stamp:
            return old
        current = None
        if old is not None and old.stamp[2] is not None and stamp[1] >= old.stamp[1]:
            changed = _rows(kind, model, newest, since=old.stamp[2] - SETTLE)
            current = _merged(old, changed, newest, stamp) if len(changed.ids) else None
        if current is None:
            loaded = _rows(kind, model, newest)
            current = Vectors(loaded.ids, loaded.rows, stamp)
        _cache[key] = current
        return current
