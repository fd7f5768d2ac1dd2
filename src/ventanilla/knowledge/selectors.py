"""Reads of the knowledge base: articles by key, slug, audience, ticket; their safe HTML."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import nh3
from django.db.models import Q, QuerySet

from ventanilla.knowledge.models import (
    ArticleStatus,
    ArticleVisibility,
    KnowledgeArticle,
    KnowledgeArticleVersion,
    KnowledgeCategory,
    KnowledgeSlug,
)
from ventanilla.outbound.formatting import markdown_to_html

if TYPE_CHECKING:
    from ventanilla.tickets.models import Ticket

# Exactly what outbound/formatting.py can produce: whatever else reached the output (it
# cannot, as the converter escapes everything first) is dropped by nh3 all the same.
_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
_SCHEMES = {"http", "https", "mailto"}
_BODY = re.compile(r"<body>\n?(.*)</body>", re.S)


def _public() -> Q:
    return Q(status=ArticleStatus.PUBLISHED, visibility=ArticleVisibility.PUBLIC)


def knowledge_article_get(*, pk: int) -> KnowledgeArticle | None:
    """Return the article ``pk`` (any state) with its category and author, or None."""
    return (
        KnowledgeArticle.objects.select_related("category", "author", "source_ticket")
        .filter(pk=pk)
        .first()
    )


def knowledge_article_by_slug(*, slug: str, public_only: bool) -> KnowledgeArticle | None:
    """Return the article whose current or former slug is ``slug``, or None.

    Compare the returned article's ``slug`` with the one asked for: when they differ the
    caller redirects to the current address. ``public_only`` limits the answer to published
    public articles (what a customer may read).
    """
    articles = KnowledgeArticle.objects.select_related("category", "author")
    if public_only:
        articles = articles.filter(_public())
    found = articles.filter(slug=slug).first()
    if found is not None:
        return found
    former = KnowledgeSlug.objects.filter(slug=slug).values_list("article_id", flat=True).first()
    return None if former is None else articles.filter(pk=former).first()


def knowledge_public_list(
    *, language: str | None = None, category_slug: str | None = None
) -> QuerySet[KnowledgeArticle]:
    """Published public articles, newest publication first, optionally by language/category."""
    articles = KnowledgeArticle.objects.filter(_public()).select_related("category")
    if language:
        articles = articles.filter(language=language)
    if category_slug:
        articles = articles.filter(category__slug=category_slug)
    return articles.order_by("-published_at", "-id")


def knowledge_article_list(
    *,
    query: str = "",
    status: str = "",
    visibility: str = "",
    language: str = "",
    category_slug: str = "",
) -> QuerySet[KnowledgeArticle]:
    """Every article an agent may browse, filtered as the workspace's list asks."""
    articles = KnowledgeArticle.objects.select_related("category", "author")
    if query:
        articles = articles.filter(Q(title__icontains=query) | Q(body__icontains=query))
    if status:
        articles = articles.filter(status=status)
    if visibility:
        articles = articles.filter(visibility=visibility)
    if language:
        articles = articles.filter(language=language)
    if category_slug:
        articles = articles.filter(category__slug=category_slug)
    return articles.order_by("-updated_at", "-id")


def knowledge_categories() -> QuerySet[KnowledgeCategory]:
    """All categories in their display order."""
    return KnowledgeCategory.objects.order_by("position", "name")


def knowledge_for_ticket(*, ticket: Ticket) -> QuerySet[KnowledgeArticle]:
    """The articles drafted from ``ticket`` or linked to it, newest first."""
    return (
        KnowledgeArticle.objects.filter(Q(ticket_links__ticket=ticket) | Q(source_ticket=ticket))
        .distinct()
        .order_by("-updated_at", "-id")
    )


def knowledge_versions(*, article: KnowledgeArticle) -> QuerySet[KnowledgeArticleVersion]:
    """The versions of ``article``, newest first, with their authors."""
    return article.versions.select_related("author").order_by("-number")


def knowledge_version_get(
    *, article: KnowledgeArticle, number: int
) -> KnowledgeArticleVersion | None:
    """Version ``number`` of ``article``, or None."""
    return article.versions.select_related("author").filter(number=number).first()


def markdown_safe_html(text: str) -> str:
    """The agents' formatting subset of ``text`` as an HTML fragment, sanitised by nh3."""
    document = markdown_to_html(text)
    match = _BODY.search(document)
    inner = match.group(1) if match else ""
    return nh3.clean(
        inner,
        tags=_TAGS,
        attributes={"a": {"href"}},
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def knowledge_article_html(*, article: KnowledgeArticle) -> str:
    """Safe HTML of ``article``'s Markdown body (same subset and sanitiser as replies)."""
    return markdown_safe_html(article.body)
