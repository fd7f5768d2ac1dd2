"""Embeddings are computed after commit, in batches, never twice for the same text."""

from __future__ import annotations

import numpy as np
from django.db import transaction

from ventanilla.suggest.embedder import get_embedder
from ventanilla.suggest.models import Embedding, EmbeddingKind
from ventanilla.suggest.services import embeddings_backfill, embeddings_refresh


def _vector(kind: str, object_id: int) -> np.ndarray:
    row = Embedding.objects.get(kind=kind, object_id=object_id, model_name=get_embedder().name)
    return np.frombuffer(bytes(row.vector), dtype="<f4")


def test_ticket_embedded_after_commit_with_its_resolution(make_ticket):
    ticket = make_ticket("No llegan los correos", "Desde ayer no recibo avisos", note="Spam")
    vector = _vector(EmbeddingKind.TICKET, ticket.pk)
    assert vector.shape == (get_embedder().dimension,)
    expected = get_embedder().embed(["No llegan los correos\nDesde ayer no recibo avisos\nSpam"])
    assert np.allclose(vector, expected[0], atol=1e-5)


def test_rollback_queues_nothing_and_the_next_commit_still_does(
    mailbox, make_ticket, django_capture_on_commit_callbacks
):
    from ventanilla.customers.services import customer_upsert_from_mail

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                customer_upsert_from_mail(email="x@cliente.es", name="X")
                from ventanilla.suggest.signals import schedule

                schedule(EmbeddingKind.TICKET, 999_999)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == []
    ticket = make_ticket("Pedido sin entregar", "Hace dos semanas que lo pedí", note="Reenviado")
    assert _vector(EmbeddingKind.TICKET, ticket.pk).shape == (get_embedder().dimension,)


def test_article_embedded_and_unchanged_text_not_recomputed(make_knowledge):
    article = make_knowledge("Cambiar el idioma", "Perfil → Idioma")
    first = Embedding.objects.get(kind=EmbeddingKind.ARTICLE, object_id=article.pk)
    assert embeddings_refresh(kind=EmbeddingKind.ARTICLE, ids=[article.pk]) == 0
    article.body = "Perfil → Idioma, y recargue la página"
    article.save()
    assert embeddings_refresh(kind=EmbeddingKind.ARTICLE, ids=[article.pk]) == 1
    assert Embedding.objects.get(pk=first.pk).text_sha256 != first.text_sha256


def test_backfill_embeds_what_is_missing(make_ticket):
    ticket = make_ticket("Factura sin NIF", "Falta nuestro CIF")
    Embedding.objects.all().delete()
    assert embeddings_backfill(kind=EmbeddingKind.TICKET) == 1
    assert _vector(EmbeddingKind.TICKET, ticket.pk).shape == (get_embedder().dimension,)
    assert embeddings_backfill(kind=EmbeddingKind.TICKET) == 0
