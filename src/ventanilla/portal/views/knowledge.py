"""Public knowledge: published public articles by category, searched, and "did this help?".

Only what ``knowledge`` calls public and published is ever shown (``public_only``), in the
visitor's language (the signed-in customer's, else the one the language switch or the
browser asks for). Search uses the search module's public scope. Article bodies are the
knowledge app's nh3-sanitised HTML; feedback is a POST (CSRF) answered with a redirect.
"""

from __future__ import annotations

import hashlib
import secrets

from django import forms
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from ventanilla.agents.login import client_ip
from ventanilla.knowledge.models import KnowledgeArticle
from ventanilla.knowledge.selectors import (
    knowledge_article_by_slug,
    knowledge_article_html,
    knowledge_categories,
    knowledge_public_list,
)
from ventanilla.portal.feedback import (
    COMMENT_MAX,
    article_feedback_given,
    article_feedback_record,
)
from ventanilla.portal.views.customer import customer_language_activate, portal_session
from ventanilla.search.api import search_public_articles

VISITOR_COOKIE = "ventanilla_portal_visitor"
VISITOR_SALT = "ventanilla.portal.visitor"
VISITOR_MAX_AGE = 365 * 86_400
LIST_SIZE = 50


class FeedbackForm(forms.Form):
    """Yes or no, and an optional comment."""

    helpful = forms.TypedChoiceField(choices=[("yes", "yes"), ("no", "no")], coerce=str)
    comment = forms.CharField(required=False, max_length=COMMENT_MAX)


def _language(request: HttpRequest) -> str:
    """The visitor's language: the signed-in customer's, else the request's."""
    customer_language_activate(request, portal_session(request))
    supported = {code for code, _name in settings.LANGUAGES}
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language if language in supported else str(settings.LANGUAGE_CODE)


def _nav(request: HttpRequest) -> str:
    """Which navigation to show: the signed-in customer's, or the public one."""
    return "customer" if portal_session(request) is not None else "public"


@require_GET
def knowledge_index(request: HttpRequest) -> HttpResponse:
    """Categories, the articles of one (or the newest), and search results."""
    language = _language(request)
    query = request.GET.get("q", "").strip()[:200]
    category = request.GET.get("category", "")[:100]
    categories = list(knowledge_categories())
    if category not in {c.slug for c in categories}:
        category = ""
    hits = search_public_articles(query=query, language=language, limit=20) if query else []
    articles = (
        []
        if query
        else list(
            knowledge_public_list(language=language, category_slug=category or None)[:LIST_SIZE]
        )
    )
    context = {
        "nav": "knowledge",
        "portal_nav": _nav(request),
        "categories": categories,
        "category": category,
        "query": query,
        "hits": hits,
        "articles": articles,
    }
    return render(request, "portal/knowledge_index.html", context)


def _article(slug: str) -> KnowledgeArticle:
    article = knowledge_article_by_slug(slug=slug, public_only=True)
    if article is None:
        raise Http404
    return article


def _visitor(request: HttpRequest) -> tuple[str, str]:
    """The visitor's key (a hash) and a new anonymous id to set in a cookie ("" if none)."""
    session = portal_session(request)
    if session is not None:
        return _digest("session:" + session.token_hash), ""
    value = str(request.get_signed_cookie(VISITOR_COOKIE, default="", salt=VISITOR_SALT) or "")
    fresh = "" if value else secrets.token_urlsafe(24)
    return _digest("visitor:" + (value or fresh)), fresh


def _digest(value: str) -> str:
    """64 hex digits: what ``ArticleFeedback.visitor`` holds."""
    return hashlib.sha256(value.encode()).hexdigest()


@require_GET
def knowledge_article(request: HttpRequest, slug: str) -> HttpResponse:
    """One public article (a former address redirects to the current one)."""
    _language(request)
    article = _article(slug)
    if article.slug != slug:
        return HttpResponseRedirect(reverse("portal:knowledge-article", args=[article.slug]))
    visitor, _fresh = _visitor(request)
    context = {
        "nav": "knowledge",
        "portal_nav": _nav(request),
        "article": article,
        # nh3-sanitised by the knowledge app (``knowledge_article_html``).
        "body": mark_safe(knowledge_article_html(article=article)),  # noqa: S308
        "given": article_feedback_given(article=article, visitor=visitor),
        "thanks": request.GET.get("thanks") == "1",
        "limited": request.GET.get("limited") == "1",
    }
    return render(request, "portal/knowledge_article.html", context)


@require_POST
def knowledge_feedback(request: HttpRequest, slug: str) -> HttpResponse:
    """Record "did this help?" for the article, once per visitor (a new answer replaces it)."""
    article = _article(slug)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    visitor, fresh = _visitor(request)
    recorded = article_feedback_record(
        article=article,
        visitor=visitor,
        helpful=form.cleaned_data["helpful"] == "yes",
        comment=form.cleaned_data["comment"],
        ip=client_ip(request),
    )
    suffix = "?thanks=1#feedback" if recorded else "?limited=1#feedback"
    url = reverse("portal:knowledge-article", args=[article.slug]) + suffix
    response = HttpResponseRedirect(url, status=303)
    if fresh:
        response.set_signed_cookie(
            VISITOR_COOKIE,
            fresh,
            salt=VISITOR_SALT,
            max_age=VISITOR_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=bool(settings.SESSION_COOKIE_SECURE),
        )
    return response
