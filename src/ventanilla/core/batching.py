"""Long jobs over many rows or messages: commit in batches, page through ids.

Used by the importer (``imports/importer.py``), which must handle archives of any size with
flat memory and without a commit (an fsync) per message.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import QuerySet

T = TypeVar("T")


def in_batches(items: Iterable[T], size: int) -> Iterator[T]:
    """Yield ``items``, committing every ``size`` of them in one transaction.

    The caller's work on each item runs inside the open transaction (give it its own
    ``atomic`` block, a savepoint, to roll back one item alone). If the caller stops early
    (an exception, or closing this generator), the open batch is rolled back: use it only
    where the input stays available to be processed again (an archive on disk).
    """
    iterator = iter(items)
    size = max(size, 1)
    while True:
        seen = 0
        with transaction.atomic():
            for item in itertools.islice(iterator, size):
                seen += 1
                yield item
        if seen < size:
            return


def ids_after(query: QuerySet[Any, int], field_name: str, *, page: int) -> Iterator[int]:
    """Yield the distinct ids of a ``values_list`` query in pages of ``page`` (ascending).

    Each page is a new query for ids above the last one seen, so rows written meanwhile
    never shift the pages and never more than a page is held in memory.
    """
    after = 0
    while batch := list(
        query.filter(**{f"{field_name}__gt": after}).order_by(field_name).distinct()[:page]
    ):
        yield from batch
        after = batch[-1]
