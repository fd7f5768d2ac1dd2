"""Removal of attachment blobs no attachment row refers to any more.

Blobs are content-addressed and shared (the same logo in every customer's mail): a blob
goes only when no ``Attachment`` row of anyone still names its digest. Run after the rows'
transaction commits, so a rollback never leaves rows without their bytes. A blob is
rebuilt from the raw mail that carried it when missing (``tickets/blobs.py``), so erasure
and retention empty that raw mail in the same transaction as the rows.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.storage import storages

from ventanilla.tickets.models import Attachment


def _name(sha256: str) -> str:
    # The store's layout (``tickets/blobs.py``): ab/cd/<sha256>.
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def blobs_remove_unreferenced(*, digests: Iterable[str]) -> list[str]:
    """Delete the blobs among ``digests`` that no attachment uses; return those deleted."""
    wanted = sorted(set(digests))
    used = set(Attachment.objects.filter(sha256__in=wanted).values_list("sha256", flat=True))
    store = storages["blobs"]
    removed: list[str] = []
    for digest in wanted:
        if digest not in used and store.exists(_name(digest)):
            store.delete(_name(digest))
            removed.append(digest)
    return removed
