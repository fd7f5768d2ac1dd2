"""Receivers that schedule embeddings once the writing transaction has committed.

Never on the intake path: only solved tickets and knowledge articles are embedded. A save
only records the id in a per-transaction set; one ``on_commit`` callback per transaction
enqueues one task per kind with all of them, and a rollback queues nothing.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from ventanilla.knowledge.models import KnowledgeArticle
from ventanilla.suggest.models import EmbeddingKind
from ventanilla.tickets.models import Ticket

_local = threading.local()


def _pending() -> dict[str, set[int]] | None:
    return getattr(_local, "pending", None)


def _flush() -> None:
    from ventanilla.suggest.tasks import embeddings_compute

    pending = _pending()
    _local.pending = None
    for kind, ids in (pending or {}).items():
        if ids:
            embeddings_compute(kind, sorted(ids))


def schedule(kind: str, object_id: int) -> None:
    """Queue ``object_id`` for embedding after the current transaction commits."""
    # A rollback drops our callback without telling us: start a new set when it is gone.
    registered = any(entry[1] is _flush for entry in transaction.get_connection().run_on_commit)
    pending = _pending()
    if pending is None or not registered:
        pending = {EmbeddingKind.TICKET: set(), EmbeddingKind.ARTICLE: set()}
        _local.pending = pending
        pending[kind].add(object_id)
        transaction.on_commit(_flush)  # runs at once outside a transaction
        return
    pending[kind].add(object_id)


@receiver(post_save, sender=Ticket, dispatch_uid="suggest_ticket_saved")
def _ticket_saved(sender: Any, instance: Ticket, **kwargs: Any) -> None:
    # Only solved tickets are ever suggested (with their resolution note); the ticket being
    # worked on is embedded on the fly as the query. So nothing is queued while mail comes
    # in: an import or a burst of new tickets adds no task to the worker's queue.
    if instance.resolution_note:
        schedule(EmbeddingKind.TICKET, instance.pk)


@receiver(post_save, sender=KnowledgeArticle, dispatch_uid="suggest_knowledge_saved")
def _knowledge_saved(sender: Any, instance: KnowledgeArticle, **kwargs: Any) -> None:
    schedule(EmbeddingKind.ARTICLE, instance.pk)
