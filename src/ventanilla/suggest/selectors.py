"""Suggestions for the ticket page: related knowledge articles and similar solved tickets.

Hybrid retrieval: the full-text candidates of ``ventanilla.search.api`` joined with the
nearest stored embeddings (numpy over the process's cached matrix, ``vectors.py``; only the
closest few hundred are checked for visibility), re-ranked by ``ranking.hybrid_rank``. The
ticket's own text is embedded once per process while it is recent. Each suggestion says why
it was chosen: the words it shares with the ticket and/or that it is close in meaning.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from ventanilla.agents.permissions import ticket_visible_to
from ventanilla.knowledge.models import ArticleStatus, KnowledgeArticle
from ventanilla.search.api import article_candidates, ticket_candidates
from ventanilla.search.text import significant_words, stems
from ventanilla.suggest.embedder import get_embedder
from ventanilla.suggest.models import EmbeddingKind
from ventanilla.suggest.ranking import NEIGHBOURS, Ranked, hybrid_rank
from ventanilla.suggest.texts import knowledge_text, ticket_problem, ticket_text
from ventanilla.suggest.vectors import Vectors, cached_vectors
from ventanilla.tickets.models import Ticket, TicketStatus

AnyUser = AbstractBaseUser | AnonymousUser
SHOWN = 5
CANDIDATES = 50
# Below this cosine the meaning is not given as a reason (the words may still be).
SIMILAR_MEANING = 0.45
# Brute force over the newest stored vectors (only solved tickets and articles have one):
# enough history, bounded memory per process (512 floats each: 40 MB at 20,000).
MAX_VECTORS = 20000


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


_query_lock = threading.Lock()
_queries: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
# Recent query texts per process: reloading a ticket page does not embed its text again.
QUERY_CACHE = 256


def _query_vector(text: str) -> tuple[np.ndarray, str]:
    """The embedding of ``text`` (computed once per process while recent) and the model."""
    embedder = get_embedder()
    key = (embedder.name, hashlib.sha256(text.encode()).hexdigest())
    with _query_lock:
        if key in _queries:
            _queries.move_to_end(key)
            return _queries[key], embedder.name
    vector = embedder.embed([text])[0]
    vector.setflags(write=False)
    with _query_lock:
        _queries[key] = vector
        while len(_queries) > QUERY_CACHE:
            _queries.popitem(last=False)
    return vector, embedder.name


def _nearest_allowed(
    query: np.ndarray, vectors: Vectors, allowed: Callable[[list[int]], set[int]]
) -> dict[int, float]:
    """The ``NEIGHBOURS`` closest objects that ``allowed`` keeps, closest first.

    The whole matrix is compared at once; only the best few hundred are checked against the
    database (visibility, status), more when too many of them are not allowed.
    """
    if not len(vectors.ids):
        return {}
    sims = vectors.rows @ query
    found: dict[int, float] = {}
    start, end = 0, NEIGHBOURS * 4
    while len(found) < NEIGHBOURS and start < len(sims):
        # Only the best ``end`` are sorted (a partition, not a sort of every row).
        best = np.argpartition(-sims, end - 1)[:end] if end < len(sims) else np.arange(len(sims))
        chunk = best[np.argsort(-sims[best], kind="stable")][start:end]
        ids = [int(vectors.ids[i]) for i in chunk]
        kept = allowed(ids)
        found.update((pk, float(sims[i])) for pk, i in zip(ids, chunk, strict=True) if pk in kept)
        start, end = end, end * 4
    return dict(list(found.items())[:NEIGHBOURS])


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
    query, model = _query_vector(text)
    query_words = significant_words(text)
    return Suggestions(
        articles=_suggested_articles(text, query, query_words, model),
        tickets=_similar_tickets(ticket, user, text, query, query_words, model),
    )


def _suggested_articles(
    text: str, query: np.ndarray, query_words: list[str], model: str
) -> list[SuggestedArticle]:
    def published(ids: list[int]) -> set[int]:
        found = KnowledgeArticle.objects.filter(pk__in=ids, status=ArticleStatus.PUBLISHED)
        return set(found.values_list("pk", flat=True))

    vectors = cached_vectors(kind=EmbeddingKind.ARTICLE, model=model, newest=MAX_VECTORS)
    ranked = hybrid_rank(
        text_hits=article_candidates(text=text, limit=CANDIDATES),
        similarities=_nearest_allowed(query, vectors, published),
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
    def solved(ids: list[int]) -> set[int]:
        # The status is checked here, not in SQL: SQLite would walk its status index instead.
        found = Ticket.objects.filter(ticket_visible_to(user), pk__in=ids).exclude(pk=ticket.pk)
        return {pk for pk, status in found.values_list("pk", "status") if status in DONE}

    vectors = cached_vectors(kind=EmbeddingKind.TICKET, model=model, newest=MAX_VECTORS)
    ranked = hybrid_rank(
        text_hits=ticket_candidates(
            text=text, limit=CANDIDATES, resolved_only=True, exclude_id=ticket.pk, user=user
        ),
        similarities=_nearest_allowed(query, vectors, solved),
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
