"""The Knowledge section, write side: create, edit with a preview, publish, unpublish.

Each view parses its form, asks ``agents/permissions.py``, calls one ``knowledge`` service
and redirects (POST/redirect/GET). The preview renders the text through the same safe
subset and sanitiser the article page uses, without saving.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ventanilla.agents.permissions import can_edit_knowledge, can_publish_knowledge
from ventanilla.knowledge.models import KnowledgeArticle
from ventanilla.knowledge.selectors import markdown_safe_html
from ventanilla.knowledge.services import (
    knowledge_article_create,
    knowledge_article_publish,
    knowledge_article_unpublish,
    knowledge_article_update,
)
from ventanilla.workspace.knowledge_forms import KnowledgeArticleForm
from ventanilla.workspace.views.common import agent_required, request_user
from ventanilla.workspace.views.knowledge import article_or_404


def _editor(
    request: HttpRequest, form: KnowledgeArticleForm, article: KnowledgeArticle | None
) -> HttpResponse:
    """The editor page, with the preview of what was typed when asked for."""
    preview = None
    if "preview" in request.POST and form.is_valid():
        preview = markdown_safe_html(form.cleaned_data["body"])
    return render(
        request,
        "workspace/knowledge/edit.html",
        {"form": form, "article": article, "preview": preview},
    )


@agent_required
def article_create(request: HttpRequest) -> HttpResponse:
    """A new draft article (any agent)."""
    if not can_edit_knowledge(request.user):
        raise PermissionDenied
    if request.method != "POST":
        form = KnowledgeArticleForm(
            initial={"language": request.LANGUAGE_CODE[:2], "visibility": "internal"}
        )
        return _editor(request, form, None)
    form = KnowledgeArticleForm(request.POST)
    if "preview" in request.POST or not form.is_valid():
        return _editor(request, form, None)
    data = form.cleaned_data
    article = knowledge_article_create(
        author=request_user(request),
        title=data["title"],
        body=data["body"],
        language=data["language"],
        category=data["category"],
        tags=form.tag_names(),
        visibility=data["visibility"],
    )
    messages.success(request, _("Draft saved."))
    return redirect("workspace:knowledge-article", pk=article.pk)


def _initial(article: KnowledgeArticle) -> dict[str, object]:
    return {
        "title": article.title,
        "body": article.body,
        "language": article.language,
        "visibility": article.visibility,
        "category": article.category_id,
        "tags": ", ".join(t.name for t in article.tags.all()),
    }


@agent_required
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an article: each change of its text is saved as a new version."""
    article = article_or_404(pk)
    if not can_edit_knowledge(request.user, article):
        raise PermissionDenied
    if request.method != "POST":
        return _editor(request, KnowledgeArticleForm(initial=_initial(article)), article)
    form = KnowledgeArticleForm(request.POST)
    if "preview" in request.POST or not form.is_valid():
        return _editor(request, form, article)
    data = form.cleaned_data
    knowledge_article_update(
        article=article,
        author=request_user(request),
        title=data["title"],
        body=data["body"],
        language=data["language"],
        category=data["category"],
        tags=form.tag_names(),
        visibility=data["visibility"],
    )
    messages.success(request, _("Article saved."))
    return redirect("workspace:knowledge-article", pk=article.pk)


def _change_publication(request: HttpRequest, pk: int, *, publish: bool) -> HttpResponse:
    """Publish or unpublish an article; only supervisors and admins may."""
    article = article_or_404(pk)
    if not can_publish_knowledge(request.user):
        raise PermissionDenied
    service = knowledge_article_publish if publish else knowledge_article_unpublish
    service(article=article, author=request_user(request))
    messages.success(request, _("Published.") if publish else _("Back to draft."))
    return redirect("workspace:knowledge-article", pk=article.pk)


@require_POST
@agent_required
def article_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish (supervisors and admins): its address is fixed from the first publication."""
    return _change_publication(request, pk, publish=True)


@require_POST
@agent_required
def article_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to draft (supervisors and admins); the address stays the same."""
    return _change_publication(request, pk, publish=False)
