"""Writes of stored embeddings: compute in batches, skip texts that did not change."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.db import transaction

from ventanilla.knowledge.models import KnowledgeArticle
from ventanilla.suggest.embedder import get_embedder
from ventanilla.suggest.models import Embedding, EmbeddingKind
from ventanilla.suggest.texts import knowledge_text, ticket_text
from ventanilla.tickets.models import Ticket

BATCH = 64


def _texts(kind: str, ids: list[int]) -> dict[int, str]:
    if kind == EmbeddingKind.TICKET:
        return {t.pk: ticket_text(t) for t in Ticket.objects.filter(pk__in=ids)}
    return {a.pk: knowledge_text(a) for a in KnowledgeArticle.objects.filter(pk__in=ids)}


@transaction.atomic
def embeddings_refresh(*, kind: str, ids: Iterable[int]) -> int:
    """Embed the objects whose text changed since their stored vector; return how many."""
    embedder = get_embedder()
    wanted = sorted(set(ids))
    done = 0
    for start in range(0, len(wanted), BATCH):
        texts = _texts(kind, wanted[start : start + BATCH])
        hashes = {i: hashlib.sha256(t.encode()).hexdigest() for i, t in texts.items()}
        known = dict(
            Embedding.objects.filter(
                kind=kind, model_name=embedder.name, object_id__in=list(texts)
            ).values_list("object_id", "text_sha256")
        )
        stale = [i for i in texts if known.get(i) != hashes[i]]
        if not stale:
            continue
        vectors = embedder.embed([texts[i] for i in stale])
        for i, row in zip(stale, vectors, strict=True):
            Embedding.objects.update_or_create(
                kind=kind,
                object_id=i,
                model_name=embedder.name,
                defaults={"vector": row.astype("<f4").tobytes(), "text_sha256": hashes[i]},
            )
        done += len(stale)
    return done


def embeddings_backfill(*, kind: str) -> int:
    """Refresh every ticket or every knowledge article, in batches; return how many changed."""
    model = Ticket if kind == EmbeddingKind.TICKET else KnowledgeArticle
    ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
    total = 0
    for start in range(0, len(ids), BATCH * 8):
        total += embeddings_refresh(kind=kind, ids=ids[start : start + BATCH * 8])
    return total
