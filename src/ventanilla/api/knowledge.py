"""Knowledge articles: list, get, create, update, publish and unpublish (``knowledge/services``).

Every agent reads and drafts; what is published is changed and published only by those
``agents.permissions.can_publish_knowledge`` allows, as in the workspace.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from ventanilla.agents.permissions import can_edit_knowledge, can_publish_knowledge
from ventanilla.api.auth import api_user, require_write
from ventanilla.knowledge import services
from ventanilla.knowledge.models import KnowledgeArticle
from ventanilla.knowledge.selectors import knowledge_article_get, knowledge_article_list

router = Router(tags=["knowledge"])
Language = Literal["es", "en"]
Visibility = Literal["internal", "public"]


class KnowledgeOut(Schema):
    """A knowledge article (Markdown body in the agents' subset)."""

    id: int
    title: str
    slug: str
    body: str
    language: str
    visibility: str
    status: str
    tags: list[str]
    published_at: datetime | None
    updated_at: datetime


class KnowledgeIn(Schema):
    """A new draft."""

    title: str = Field(..., min_length=1, max_length=200)
    body: str = Field("", max_length=100000)
    language: Language = "es"
    visibility: Visibility = "internal"
    tags: list[str] = Field(default_factory=list, max_length=30)


class KnowledgeUpdateIn(Schema):
    """Fields to change (absent: kept)."""

    title: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = Field(None, max_length=100000)
    language: Language | None = None
    visibility: Visibility | None = None
    tags: list[str] | None = Field(None, max_length=30)


class PublicationIn(Schema):
    """Whether the article is to be published."""

    published: bool


class KnowledgeQuery(Schema):
    """Filters of the list."""

    q: str = Field("", max_length=200)
    status: Literal["draft", "published"] | None = None
    language: Language | None = None
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=200)


def _out(article: KnowledgeArticle) -> dict[str, object]:
    return {
        "id": article.pk,
        "title": article.title,
        "slug": article.slug,
        "body": article.body,
        "language": article.language,
        "visibility": article.visibility,
        "status": article.status,
        "tags": sorted(t.name for t in article.tags.all()),
        "published_at": article.published_at,
        "updated_at": article.updated_at,
    }


def _article(pk: int) -> KnowledgeArticle:
    article = knowledge_article_get(pk=pk)
    if article is None:
        raise Http404(pk)
    return article


@router.get("/knowledge", response=list[KnowledgeOut], summary="List knowledge articles")
def list_articles(request: HttpRequest, query: Query[KnowledgeQuery]) -> list[dict[str, object]]:
    """Every article an agent may browse, newest change first."""
    api_user(request)
    rows = knowledge_article_list(
        query=query.q, status=query.status or "", language=query.language or ""
    ).prefetch_related("tags")
    return [_out(a) for a in rows[query.offset : query.offset + query.limit]]


@router.get("/knowledge/{article_id}", response=KnowledgeOut, summary="Get a knowledge article")
def get_article(request: HttpRequest, article_id: int) -> dict[str, object]:
    """One article, drafts included (agents read them all)."""
    api_user(request)
    return _out(_article(article_id))


@router.post("/knowledge", response={201: KnowledgeOut}, summary="Create a draft")
def create_article(request: HttpRequest, payload: KnowledgeIn) -> Status[dict[str, object]]:
    """Create a draft article (its version 1)."""
    agent = require_write(request)
    if not can_edit_knowledge(agent):
        raise PermissionDenied
    article = services.knowledge_article_create(author=agent, **payload.dict())
    return Status(201, _out(_article(article.pk)))


@router.patch("/knowledge/{article_id}", response=KnowledgeOut, summary="Update an article")
def update_article(
    request: HttpRequest, article_id: int, payload: KnowledgeUpdateIn
) -> dict[str, object]:
    """Change an article; a published one only by those who may publish."""
    agent = require_write(request)
    article = _article(article_id)
    if not can_edit_knowledge(agent, article):
        raise PermissionDenied
    services.knowledge_article_update(article=article, author=agent, **payload.dict())
    return _out(_article(article_id))


@router.post(
    "/knowledge/{article_id}/publication",
    response=KnowledgeOut,
    summary="Publish or unpublish an article",
)
def publish_article(
    request: HttpRequest, article_id: int, payload: PublicationIn
) -> dict[str, object]:
    """Publish (``published: true``) or take back to draft; supervisors and admins only."""
    agent = require_write(request)
    article = _article(article_id)
    if not can_publish_knowledge(agent):
        raise PermissionDenied
    if payload.published:
        services.knowledge_article_publish(article=article, author=agent)
    else:
        services.knowledge_article_unpublish(article=article, author=agent)
    return _out(_article(article_id))
