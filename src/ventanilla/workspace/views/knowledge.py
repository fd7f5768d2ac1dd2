"""The Knowledge section, read side: the article list, one article, a diff, ``/kb/<slug>/``.

Every agent reads every article (drafts and internal ones included): the knowledge base is
the team's. Who may change or publish is asked of ``agents/permissions.py``.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ventanilla.agents.permissions import can_edit_knowledge, can_publish_knowledge
from ventanilla.knowledge.models import KnowledgeArticle
from ventanilla.knowledge.selectors import (
    knowledge_article_by_slug,
    knowledge_article_get,
    knowledge_article_html,
    knowledge_article_list,
    knowledge_version_get,
    knowledge_versions,
)
from ventanilla.knowledge.versions import version_diff
from ventanilla.workspace.knowledge_forms import KnowledgeFilterForm
from ventanilla.workspace.views.common import agent_required

PAGE = 50


def article_or_404(pk: int) -> KnowledgeArticle:
    """The article ``pk`` or a 404."""
    article = knowledge_article_get(pk=pk)
    if article is None:
        raise Http404("article")
    return article


@agent_required
def article_list(request: HttpRequest) -> HttpResponse:
    """Every article, filtered by text, status, visibility, language and category."""
    form = KnowledgeFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    articles = knowledge_article_list(
        query=filters.get("q", ""),
        status=filters.get("status", ""),
        visibility=filters.get("visibility", ""),
        language=filters.get("language", ""),
        category_slug=filters.get("category", ""),
    )[:PAGE]
    return render(
        request,
        "workspace/knowledge/list.html",
        {"form": form, "articles": articles, "can_edit": can_edit_knowledge(request.user)},
    )


@agent_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One article as readers see it, with its versions, tickets and the allowed actions."""
    article = article_or_404(pk)
    return render(
        request,
        "workspace/knowledge/detail.html",
        {
            "article": article,
            "html": knowledge_article_html(article=article),
            "versions": knowledge_versions(article=article),
            "links": article.ticket_links.select_related("ticket").order_by("-created_at"),
            "can_edit": can_edit_knowledge(request.user, article),
            "can_publish": can_publish_knowledge(request.user),
        },
    )


def _number(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


@agent_required
def article_diff(request: HttpRequest, pk: int) -> HttpResponse:
    """The difference between versions ``a`` and ``b`` (default: the last two)."""
    article = article_or_404(pk)
    versions = list(knowledge_versions(article=article))
    newest = versions[0].number if versions else 1
    a = _number(request.GET.get("a"), max(newest - 1, 1))
    b = _number(request.GET.get("b"), newest)
    old = knowledge_version_get(article=article, number=a)
    new = knowledge_version_get(article=article, number=b)
    if old is None or new is None:
        raise Http404("version")
    return render(
        request,
        "workspace/knowledge/diff.html",
        {
            "article": article,
            "versions": versions,
            "old": old,
            "new": new,
            "lines": version_diff(old=old, new=new),
        },
    )


@agent_required
def article_by_slug(request: HttpRequest, slug: str) -> HttpResponse:
    """``/kb/<slug>/``: the stable address, current or former slug, to the article's page."""
    article = knowledge_article_by_slug(slug=slug, public_only=False)
    if article is None:
        raise Http404("article")
    return redirect("workspace:knowledge-article", pk=article.pk)
