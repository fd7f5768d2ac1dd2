"""Suggestions for the ticket page: related knowledge articles and similar solved tickets.

Hybrid retrieval: the full-text candidates of ``ventanilla.search.api`` joined with the
nearest stored embeddings (numpy over the stored vectors), re-ranked by
``ranking.hybrid_rank``. Each suggestion says why it was chosen: the words it shares with the
ticket and/or that it is close in meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from ventanilla.agents.permissions import ticket_visible_to
from ventanilla.knowledge.models import ArticleStatus, KnowledgeArticle
from ventanilla.search.api import article_candidates, ticket_candidates
from ventanilla.search.text import significant_words, stems
from ventanilla.suggest.embedder import get_embedder
from ventanilla.suggest.models import Embedding, EmbeddingKind
from ventanilla.suggest.ranking import NEIGHBOURS, Ranked, hybrid_rank, nearest
from ventanilla.suggest.texts import knowledge_text, ticket_problem, ticket_text
from ventanilla.tickets.models import Ticket, TicketStatus

AnyUser = AbstractBaseUser | AnonymousUser
SHOWN = 5
CANDIDATES = 50
# Below this cosine the meaning is not given as a reason (the words may still be).
SIMILAR_MEANING = 0.45
# Brute force over the most recent solved tickets: enough history, bounded time per page.
MAX_TICKET_VECTORS = 20000


@dataclass(frozen=True)
class Why:
    """Why a suggestion was made: shared words, closeness of meaning, the combined score."""

    terms: list[str]
    similar_meaning: bool
    score: float


@dataclass(frozen=True)
class SuggestedArticle:
    """A knowledge article worth reading for this ticket."""

    article: KnowledgeArticle
    why: Why


@dataclass(frozen=True)
class SimilarTicket:
    """A solved ticket about the same problem, with how it was solved."""

    ticket: Ticket
    resolution_note: str
    why: Why


@dataclass(frozen=True)
class Suggestions:
    """What the suggestions panel shows."""

    articles: list[SuggestedArticle] = field(default_factory=list)
    tickets: list[SimilarTicket] = field(default_factory=list)


def _vectors(kind: str, ids: list[int], model: str) -> tuple[list[int], np.ndarray]:
    rows = Embedding.objects.filter(kind=kind, model_name=model, object_id__in=ids).values_list(
        "object_id", "vector"
    )
    found = [(int(i), np.frombuffer(bytes(v), dtype="<f4")) for i, v in rows]
    if not found:
        return [], np.zeros((0, 1), dtype=np.float32)
    return [i for i, _ in found], np.vstack([v for _, v in found]).astype(np.float32)


def _shared_terms(query_words: list[str], text: str) -> list[str]:
    query_stems = {w: stems(w) for w in query_words}
    theirs: set[str] = set()
    for w in significant_words(text, limit=200):
        theirs |= stems(w)
    return [w for w, s in query_stems.items() if s & theirs][:5]


def _why(r: Ranked, query_words: list[str], text: str) -> Why:
    return Why(
        terms=_shared_terms(query_words, text),
        similar_meaning=r.similarity >= SIMILAR_MEANING,
        score=round(r.score, 3),
    )


def suggestions_for_ticket(*, ticket: Ticket, user: AnyUser) -> Suggestions:
    """The 5 best published articles and the 5 most similar solved tickets ``user`` may see."""
    text = ticket_problem(ticket)
    if not text.strip():
        return Suggestions()
    embedder = get_embedder()
    query = embedder.embed([text])[0]
    query_words = significant_words(text)
    return Suggestions(
        articles=_suggested_articles(text, query, query_words, embedder.name),
        tickets=_similar_tickets(ticket, user, text, query, query_words, embedder.name),
    )


def _suggested_articles(
    text: str, query: np.ndarray, query_words: list[str], model: str
) -> list[SuggestedArticle]:
    published = list(
        KnowledgeArticle.objects.filter(status=ArticleStatus.PUBLISHED).values_list("pk", flat=True)
    )
    ids, matrix = _vectors(EmbeddingKind.ARTICLE, published, model)
    ranked = hybrid_rank(
        text_hits=article_candidates(text=text, limit=CANDIDATES),
        similarities=nearest(query=query, ids=ids, matrix=matrix, limit=NEIGHBOURS),
        limit=SHOWN,
    )
    by_id = KnowledgeArticle.objects.in_bulk([r.object_id for r in ranked])
    return [
        SuggestedArticle(
            by_id[r.object_id], _why(r, query_words, knowledge_text(by_id[r.object_id]))
        )
        for r in ranked
        if r.object_id in by_id
    ]


def _similar_tickets(
    ticket: Ticket,
    user: AnyUser,
    text: str,
    query: np.ndarray,
    query_words: list[str],
    model: str,
) -> list[SimilarTicket]:
    solved = list(
        Ticket.objects.filter(ticket_visible_to(user), status__in=DONE)
        .exclude(pk=ticket.pk)
        .order_by("-pk")
        .values_list("pk", flat=True)[:MAX_TICKET_VECTORS]
    )
    ids, matrix = _vectors(EmbeddingKind.TICKET, solved, model)
    ranked = hybrid_rank(
        text_hits=ticket_candidates(
            text=text, limit=CANDIDATES, resolved_only=True, exclude_id=ticket.pk, user=user
        ),
        similarities=nearest(query=query, ids=ids, matrix=matrix, limit=NEIGHBOURS),
        limit=SHOWN,
    )
    visible = Ticket.objects.filter(ticket_visible_to(user)).in_bulk([r.object_id for r in ranked])
    return [
        SimilarTicket(
            visible[r.object_id],
            visible[r.object_id].resolution_note,
            _why(r, query_words, ticket_text(visible[r.object_id])),
        )
        for r in ranked
        if r.object_id in visible
    ]


DONE = (TicketStatus.RESOLVED, TicketStatus.CLOSED)
