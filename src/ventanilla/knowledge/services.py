"""Writes of the knowledge base: create, edit (a new version each time), publish, link.

Every write goes through ``Model.save()`` (never a queryset ``update()``), so listeners of
``post_save`` (the search index) see each change.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ventanilla.knowledge.drafting import TicketFacts, draft_from_facts, draft_language
from ventanilla.knowledge.models import (
    ArticleStatus,
    ArticleVisibility,
    KnowledgeArticle,
    KnowledgeArticleVersion,
    KnowledgeCategory,
    KnowledgeSlug,
    KnowledgeTicketLink,
)
from ventanilla.knowledge.scrub import KnownPersonalData
from ventanilla.tickets.models import ArticleDirection, ArticleKind, Tag, TicketStatus
from ventanilla.tickets.tags import TAG_MAX_CHARS, tag_normalise

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from ventanilla.tickets.models import Ticket


class _Keep(enum.Enum):
    """``category=KEEP``: leave the category as it is (None means "no category")."""

    KEEP = "keep"


KEEP = _Keep.KEEP


def _slug_taken(slug: str, article_pk: int | None) -> bool:
    """True when another article has ``slug`` now or had it (its old links lead there)."""
    current = KnowledgeArticle.objects.filter(slug=slug)
    former = KnowledgeSlug.objects.filter(slug=slug)
    if article_pk is not None:
        current = current.exclude(pk=article_pk)
        former = former.exclude(article_id=article_pk)
    return current.exists() or former.exists()


def _unique_slug(title: str, language: str, article_pk: int | None = None) -> str:
    """A slug from ``title`` no other article has, nor had ("-2", "-3"... when needed)."""
    base = slugify(title)[:200].strip("-") or ("articulo" if language == "es" else "article")
    slug, n = base, 1
    while _slug_taken(slug, article_pk):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _version_add(*, article: KnowledgeArticle, author: User) -> KnowledgeArticleVersion:
    last = article.versions.aggregate(last=Max("number"))["last"] or 0
    version = KnowledgeArticleVersion(
        article=article, number=last + 1, title=article.title, body=article.body, author=author
    )
    version.save()
    return version


def _tags(tags: Iterable[Tag | str]) -> list[Tag]:
    """``Tag`` rows for ``tags``; names are normalised as on tickets and created if new."""
    rows: dict[int, Tag] = {}
    for tag in tags:
        if isinstance(tag, str):
            name = tag_normalise(tag)
            if not name or len(name) > TAG_MAX_CHARS:
                continue
            tag = Tag.objects.get_or_create(name=name)[0]
        rows[tag.pk] = tag
    return list(rows.values())


def _link(*, article: KnowledgeArticle, ticket: Ticket, author: User | None) -> None:
    if not KnowledgeTicketLink.objects.filter(article=article, ticket=ticket).exists():
        KnowledgeTicketLink(article=article, ticket=ticket, created_by=author).save()


@transaction.atomic
def knowledge_article_create(
    *,
    author: User,
    title: str,
    body: str,
    language: str,
    category: KnowledgeCategory | None = None,
    tags: Iterable[Tag | str] = (),
    visibility: str = ArticleVisibility.INTERNAL,
    source_ticket: Ticket | None = None,
) -> KnowledgeArticle:
    """Create a draft article and its version 1; link it to ``source_ticket`` if given."""
    article = KnowledgeArticle(
        title=title.strip(),
        slug=_unique_slug(title, language),
        body=body,
        language=language,
        category=category,
        visibility=visibility,
        author=author,
        source_ticket=source_ticket,
    )
    article.save()
    article.tags.set(_tags(tags))
    _version_add(article=article, author=author)
    if source_ticket is not None:
        _link(article=article, ticket=source_ticket, author=author)
    return article


@transaction.atomic
def knowledge_article_update(
    *,
    article: KnowledgeArticle,
    author: User,
    title: str | None = None,
    body: str | None = None,
    language: str | None = None,
    category: KnowledgeCategory | Literal[_Keep.KEEP] | None = KEEP,
    tags: Iterable[Tag | str] | None = None,
    visibility: str | None = None,
) -> KnowledgeArticle:
    """Change ``article``; a new version records every change of title or body.

    Before the first publication the slug follows the title (the old one is kept and
    redirects); after it the slug never changes.
    """
    article = KnowledgeArticle.objects.select_for_update().get(pk=article.pk)
    changed_text = (title is not None and title.strip() != article.title) or (
        body is not None and body != article.body
    )
    if title is not None and title.strip() != article.title:
        article.title = title.strip()
        if article.published_at is None:
            _reslug(article)
    if body is not None:
        article.body = body
    if language is not None:
        article.language = language
    if category is not KEEP:
        article.category = category
    if visibility is not None:
        article.visibility = visibility
    article.save()
    if tags is not None:
        article.tags.set(_tags(tags))
    if changed_text:
        _version_add(article=article, author=author)
    return article


def _reslug(article: KnowledgeArticle) -> None:
    new = _unique_slug(article.title, article.language, article.pk)
    if new != article.slug:
        if not KnowledgeSlug.objects.filter(slug=article.slug).exists():
            KnowledgeSlug(article=article, slug=article.slug).save()
        KnowledgeSlug.objects.filter(slug=new, article=article).delete()
        article.slug = new


@transaction.atomic
def knowledge_article_publish(*, article: KnowledgeArticle, author: User) -> KnowledgeArticle:
    """Publish ``article``; the first publication fixes its slug for good."""
    article = KnowledgeArticle.objects.select_for_update().get(pk=article.pk)
    article.status = ArticleStatus.PUBLISHED
    if article.published_at is None:
        article.published_at = timezone.now()
    article.save()
    return article


@transaction.atomic
def knowledge_article_unpublish(*, article: KnowledgeArticle, author: User) -> KnowledgeArticle:
    """Take ``article`` back to draft (its slug stays what it was when published)."""
    article = KnowledgeArticle.objects.select_for_update().get(pk=article.pk)
    article.status = ArticleStatus.DRAFT
    article.save()
    return article


@transaction.atomic
def knowledge_article_link(
    *, article: KnowledgeArticle, ticket: Ticket, author: User
) -> KnowledgeArticle:
    """Link ``ticket`` and ``article`` (both list each other); linking twice is a no-op."""
    _link(article=article, ticket=ticket, author=author)
    return article


def _ticket_facts(ticket: Ticket) -> TicketFacts:
    """The subject, first customer mail's new text, resolution note and known people."""
    first = (
        ticket.articles.filter(direction=ArticleDirection.IN, kind=ArticleKind.MAIL)
        .order_by("created_at", "id")
        .first()
    )
    description = (first.new_text or first.text) if first is not None else ""
    customer = ticket.customer
    names = [customer.name]
    emails = [customer.email]
    for participant in ticket.participants.all():
        names.append(participant.name)
        emails.append(participant.email)
    inbound = ticket.articles.filter(direction=ArticleDirection.IN)
    names.extend(inbound.exclude(sender_name="").values_list("sender_name", flat=True))
    organisation = customer.organisation
    known = KnownPersonalData(
        names=tuple(n for n in names if n),
        emails=tuple(emails),
        organisations=(organisation.name,) if organisation is not None else (),
        domains=(organisation.domain,) if organisation is not None else (),
    )
    return TicketFacts(
        subject=ticket.subject,
        description=description,
        resolution=ticket.resolution_note,
        language=ticket.language,
        known=known,
    )


@transaction.atomic
def knowledge_article_from_ticket(*, ticket: Ticket, author: User) -> KnowledgeArticle:
    """Draft an internal article from ``ticket``, personal data replaced by placeholders.

    Only a resolved or closed ticket has the resolution note the article is built around;
    any other raises ``ValidationError``.
    """
    if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        raise ValidationError(
            _("Only a resolved ticket can become an article."), code="not-resolved"
        )
    facts = _ticket_facts(ticket)
    draft = draft_from_facts(facts)
    return knowledge_article_create(
        author=author,
        title=draft.title,
        body=draft.body,
        language=draft_language(facts.language),
        tags=list(ticket.tags.all()),
        source_ticket=ticket,
    )
