"""Knowledge articles in search: agents find all, the portal only published public ones."""

from __future__ import annotations

import pytest

from ventanilla.knowledge.models import (
    ArticleStatus,
    ArticleVisibility,
    KnowledgeArticle,
)
from ventanilla.search.api import (
    SearchFilters,
    article_candidates,
    search,
    search_public_articles,
    ticket_candidates,
)
from ventanilla.tickets.models import Tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(boss):
    def make(title, body, **fields):
        return KnowledgeArticle.objects.create(
            title=title, slug=title.lower().replace(" ", "-"), body=body, author=boss, **fields
        )

    public = make(
        "Cambiar la contraseña",
        "Entre en el portal y pulse «Olvidé mi contraseña».",
        status=ArticleStatus.PUBLISHED,
        visibility=ArticleVisibility.PUBLIC,
    )
    internal = make(
        "Restablecer contraseñas en el directorio",
        "Desde la consola del directorio.",
        status=ArticleStatus.PUBLISHED,
    )
    draft = make("Contraseñas de la VPN", "Borrador.")
    english = make(
        "Reset your password",
        "Open the portal and click on passwords.",
        language="en",
        status=ArticleStatus.PUBLISHED,
        visibility=ArticleVisibility.PUBLIC,
    )
    return public, internal, draft, english


def test_agents_find_every_article_with_kind_filter(articles, boss, make_ticket):
    public, internal, draft, _english = articles
    ticket = make_ticket("Acceso", "He olvidado la contraseña")
    results = search(query="contrasenas", user=boss)
    refs = {h.ref for h in results.hits}
    assert refs == {public.slug, internal.slug, draft.slug, ticket.number}
    only = search(query="contrasenas", user=boss, filters=SearchFilters(kind="article"))
    assert {h.kind for h in only.hits} == {"article"}
    tickets = search(query="contrasenas", user=boss, filters=SearchFilters(status="new"))
    assert [h.ref for h in tickets.hits] == [ticket.number]


def test_portal_finds_only_published_public_articles(articles):
    public, _internal, draft, english = articles
    assert [h.ref for h in search_public_articles(query="contraseña", language=None)] == [
        public.slug
    ]
    assert [h.ref for h in search_public_articles(query="passwords", language="en")] == [
        english.slug
    ]
    assert search_public_articles(query="contrasena", language="en") == []
    draft.status = ArticleStatus.PUBLISHED
    draft.visibility = ArticleVisibility.PUBLIC
    draft.save()
    assert draft.slug in {h.ref for h in search_public_articles(query="vpn", language="es")}
    draft.delete()
    assert search_public_articles(query="vpn", language="es") == []


def test_article_tags_are_indexed(articles, boss):
    public = articles[0]
    public.tags.add(Tag.objects.create(name="acceso"))
    assert [h.ref for h in search(query="acceso", user=boss).hits] == [public.slug]


def test_candidates_are_an_or_query_ranked(articles, make_ticket):
    from ventanilla.tickets.models import Ticket

    public, internal, draft, _english = articles
    text = "Hola, he olvidado la contraseña del portal. Gracias"
    found = [pk for pk, _score in article_candidates(text=text, limit=5, language="es")]
    assert found[0] == public.pk  # both words
    assert draft.pk not in found  # drafts are never suggested
    assert internal.pk in found
    solved = make_ticket("Portal", "No entro en el portal: contraseña caducada")
    open_one = make_ticket("Portal", "El portal va lento")
    Ticket.objects.filter(pk=solved.pk).update(status="resolved")
    assert [pk for pk, _ in ticket_candidates(text=text, limit=5)] == [solved.pk]
    both = ticket_candidates(text=text, limit=5, resolved_only=False, exclude_id=solved.pk)
    assert [pk for pk, _ in both] == [open_one.pk]
