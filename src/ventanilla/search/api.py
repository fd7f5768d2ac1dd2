"""The search module's interface: agents' search, the portal's, and candidates for suggestions.

Agents' results are scoped exactly like the inbox (``agents.permissions.ticket_visible_to``)
before anything is matched, so another team's ticket never reaches a count, a rank or a
snippet. Knowledge articles are read by every agent; customers find only published public
ones. A ticket number or a Message-ID the agent may see jumps straight to the ticket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ventanilla.agents.permissions import can_view_ticket, is_agent, ticket_visible_to
from ventanilla.search import engine
from ventanilla.search.models import DocumentKind, SearchDocument
from ventanilla.search.snippets import snippet
from ventanilla.search.terms import Term, query_terms
from ventanilla.search.text import significant_words
from ventanilla.tickets.models import Ticket, TicketStatus
from ventanilla.tickets.selectors import ticket_find_by_message_ids

AnyUser = AbstractBaseUser | AnonymousUser
MESSAGE_ID_RE = re.compile(r"^<?[^<>\s@]+@[^<>\s@]+>?$")
DONE = (TicketStatus.RESOLVED, TicketStatus.CLOSED)


@dataclass(frozen=True)
class SearchFilters:
    """Filters of an agent's search (empty = no filter); ticket-only ones leave out articles."""

    status: str = ""
    priority: int | None = None
    team_id: int | None = None
    # "me", "none" or a user id.
    assignee: str = ""
    customer: str = ""
    date_from: date | None = None
    date_to: date | None = None
    # "ticket", "article" or "" for both.
    kind: str = ""

    def ticket_only(self) -> bool:
        """True when a filter only tickets have is set."""
        return bool(
            self.status
            or self.priority is not None
            or self.team_id is not None
            or self.assignee
            or self.customer
        )


@dataclass(frozen=True)
class Hit:
    """One result: a ticket (``ref`` its number) or a knowledge article (``ref`` its slug)."""

    kind: str
    object_id: int
    ref: str
    title: str
    snippet_html: str
    score: float
    exact: bool
    url: str

    @property
    def number(self) -> str:
        """The ticket number ("" for an article)."""
        return self.ref if self.kind == DocumentKind.TICKET else ""

    @property
    def slug(self) -> str:
        """The article slug ("" for a ticket)."""
        return self.ref if self.kind == DocumentKind.ARTICLE else ""


@dataclass(frozen=True)
class SearchResults:
    """A page of hits, the total, and where to go straight away (a number or Message-ID).

    ``more``: more than ``total`` documents match; only the newest ``total`` were ranked.
    """

    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    jump_url: str | None = None
    more: bool = False


def _day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _ticket_q(filters: SearchFilters, user: AnyUser | None) -> Q:
    q = Q() if user is None else ticket_visible_to(user)
    if filters.status:
        q &= Q(status=filters.status)
    if filters.priority is not None:
        q &= Q(priority=filters.priority)
    if filters.team_id is not None:
        q &= Q(team=filters.team_id)
    if filters.assignee == "me" and user is not None:
        q &= Q(assignee=user.pk)
    elif filters.assignee == "none":
        q &= Q(assignee__isnull=True)
    elif filters.assignee.isdigit():
        q &= Q(assignee=int(filters.assignee))
    if filters.customer:
        q &= Q(customer__email__icontains=filters.customer) | Q(
            customer__name__icontains=filters.customer
        )
    return q


def _through_ticket(q: Q) -> Q:
    """The same condition on ``Ticket``, asked of a document through its ``ticket``."""
    moved = Q()
    moved.connector, moved.negated = q.connector, q.negated
    children: list[Any] = list(q.children)
    moved.children = [
        _through_ticket(c) if isinstance(c, Q) else (f"ticket__{c[0]}", c[1]) for c in children
    ]
    return moved


def _scope(user: AnyUser | None, filters: SearchFilters) -> QuerySet[SearchDocument]:
    # ``None`` is the operator at a shell (``ventanilla search`` without ``--user``).
    if user is not None and not is_agent(user):
        return SearchDocument.objects.none()
    # Joined, not a subquery: the backend checks each matching document, never lists all.
    kinds = Q(kind=DocumentKind.TICKET) & _through_ticket(_ticket_q(filters, user))
    if filters.kind != DocumentKind.TICKET and not filters.ticket_only():
        kinds |= Q(kind=DocumentKind.ARTICLE)
    if filters.kind == DocumentKind.ARTICLE:
        kinds &= Q(kind=DocumentKind.ARTICLE)
    docs = SearchDocument.objects.filter(kinds)
    if filters.date_from:
        docs = docs.filter(date__gte=_day(filters.date_from))
    if filters.date_to:
        docs = docs.filter(date__lt=_day(filters.date_to + timedelta(days=1)))
    return docs


def _url(doc: SearchDocument, *, portal: bool) -> str:
    if doc.kind == DocumentKind.TICKET:
        return reverse("workspace:ticket", args=[doc.slug])
    # The knowledge pages live in the UIs above us: found by URL name, never imported.
    name, arg = (
        ("portal:knowledge-article", doc.slug)
        if portal
        else ("workspace:knowledge-article", doc.knowledge_id)
    )
    try:
        return reverse(name, args=[arg])
    except NoReverseMatch:
        return ""


def _hits(rows: list[engine.Row], terms: list[Term], *, portal: bool = False) -> list[Hit]:
    docs = SearchDocument.objects.in_bulk([r[0] for r in rows])
    hits = []
    for pk, score, exact in rows:
        doc = docs[pk]
        ticket_id = doc.ticket_id
        hits.append(
            Hit(
                kind=doc.kind,
                object_id=ticket_id if ticket_id is not None else doc.knowledge_id or 0,
                ref=doc.slug,
                title=doc.title,
                snippet_html=str(snippet(doc.body, terms)),
                score=round(score, 6),
                exact=exact,
                url=_url(doc, portal=portal),
            )
        )
    return hits


def _jump(query: str, user: AnyUser | None) -> str | None:
    text = query.strip()
    if not text or " " in text:
        return None
    # Numbers are upper case with digits (SOP-2026-00042): an equality on the unique index,
    # never a case-insensitive scan of every ticket.
    ticket = None
    if any(c.isdigit() for c in text):
        ticket = Ticket.objects.filter(number=text.upper()).first()
    if ticket is None and MESSAGE_ID_RE.match(text):
        bare = text.strip("<>")
        ticket = ticket_find_by_message_ids(message_ids=[f"<{bare}>", bare])
    if ticket is None or (user is not None and not can_view_ticket(user, ticket)):
        return None
    return reverse("workspace:ticket", args=[ticket.number])


def search(
    *,
    query: str,
    user: AnyUser,
    filters: SearchFilters = SearchFilters(),
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Search what ``user`` may see: AND of the typed words, exact matches ranked first."""
    return _search(query=query, user=user, filters=filters, limit=limit, offset=offset)


def search_unscoped(
    *, query: str, filters: SearchFilters = SearchFilters(), limit: int = 20, offset: int = 0
) -> SearchResults:
    """Search everything, as the operator at a shell may (``ventanilla search``)."""
    return _search(query=query, user=None, filters=filters, limit=limit, offset=offset)


def _search(
    *, query: str, user: AnyUser | None, filters: SearchFilters, limit: int, offset: int
) -> SearchResults:
    jump = _jump(query, user)
    terms = query_terms(query, engine.near_words())
    scope = _scope(user, filters)
    page = engine.match(terms=terms, scope=scope, limit=limit, offset=offset)
    return SearchResults(
        hits=_hits(page.rows, terms), total=page.total, jump_url=jump, more=page.more
    )


def search_public_articles(*, query: str, language: str | None, limit: int = 20) -> list[Hit]:
    """Published public knowledge articles matching ``query`` (the customer portal's search)."""
    docs = SearchDocument.objects.filter(kind=DocumentKind.ARTICLE, public=True)
    if language:
        docs = docs.filter(language=language)
    terms = query_terms(query, engine.near_words())
    page = engine.match(terms=terms, scope=docs, limit=limit)
    return _hits(page.rows, terms, portal=True)


def _or_terms(text: str) -> list[Term]:
    return [Term(typed=w, variants=(w,)) for w in significant_words(text)]


def _or_match(text: str, docs: QuerySet[SearchDocument], limit: int) -> list[engine.Row]:
    # An OR of a text's words matches nearly every document: rank the newest few times
    # ``limit`` (the suggestions only take a strong full-text match as a bonus).
    page = engine.match(
        terms=_or_terms(text), scope=docs, any_term=True, limit=limit, candidates=4 * limit
    )
    return page.rows


def ticket_candidates(
    *,
    text: str,
    limit: int,
    resolved_only: bool = True,
    exclude_id: int | None = None,
    user: AnyUser | None = None,
) -> list[tuple[int, float]]:
    """Tickets sharing significant words with ``text``: ``(ticket id, score)``, best first."""
    q = Q() if user is None else ticket_visible_to(user)
    if resolved_only:
        q &= Q(status__in=DONE)
    if exclude_id is not None:
        q &= ~Q(pk=exclude_id)
    docs = SearchDocument.objects.filter(Q(kind=DocumentKind.TICKET) & _through_ticket(q))
    rows = _or_match(text, docs, limit)
    ticket_of = dict(docs.filter(pk__in=[r[0] for r in rows]).values_list("pk", "ticket_id"))
    return [(ticket_of[pk] or 0, score) for pk, score, _exact in rows]


def article_candidates(
    *, text: str, limit: int, language: str | None = None, user: AnyUser | None = None
) -> list[tuple[int, float]]:
    """Knowledge articles sharing significant words with ``text``, best first.

    Without ``user``: published articles of either audience (the agent's side panel); for
    an agent: drafts too; for anyone else: published public ones only.
    """
    docs = SearchDocument.objects.filter(kind=DocumentKind.ARTICLE)
    if user is None:
        docs = docs.filter(published=True)
    elif not is_agent(user):
        docs = docs.filter(public=True)
    if language:
        docs = docs.filter(language=language)
    rows = _or_match(text, docs, limit)
    article_of = dict(docs.filter(pk__in=[r[0] for r in rows]).values_list("pk", "knowledge_id"))
    return [(article_of[pk] or 0, score) for pk, score, _exact in rows]
