"""Knowledge services: versions and diffs, stable slugs, publication, drafts from tickets."""

from __future__ import annotations

import pytest

from ventanilla.knowledge import selectors, services
from ventanilla.knowledge.models import KnowledgeArticle, KnowledgeCategory
from ventanilla.knowledge.versions import version_diff

pytestmark = pytest.mark.django_db


def _create(author, title="Cómo configurar la VPN", body="Paso 1", **kwargs):
    return services.knowledge_article_create(
        author=author, title=title, body=body, language="es", **kwargs
    )


def test_create_saves_version_one(writers):
    article = _create(writers["agent"])
    versions = list(selectors.knowledge_versions(article=article))
    assert [(v.number, v.title, v.body, v.author) for v in versions] == [
        (1, "Cómo configurar la VPN", "Paso 1", writers["agent"])
    ]
    assert article.slug == "como-configurar-la-vpn"
    assert article.status == "draft"
    assert article.visibility == "internal"


def test_each_change_of_text_is_a_new_version_with_its_author(writers):
    article = _create(writers["agent"])
    services.knowledge_article_update(article=article, author=writers["supervisor"], body="Paso 2")
    services.knowledge_article_update(article=article, author=writers["agent"], title="VPN en casa")
    # Only metadata: no new version (nothing to compare).
    services.knowledge_article_update(article=article, author=writers["agent"], visibility="public")
    versions = list(selectors.knowledge_versions(article=article))
    assert [(v.number, v.title, v.body, v.author.username) for v in versions] == [
        (3, "VPN en casa", "Paso 2", "ana"),
        (2, "Cómo configurar la VPN", "Paso 2", "sara"),
        (1, "Cómo configurar la VPN", "Paso 1", "ana"),
    ]
    article.refresh_from_db()
    assert article.visibility == "public"


def test_diff_between_any_two_versions(writers):
    article = _create(writers["agent"], body="uno\ndos\ntres")
    services.knowledge_article_update(article=article, author=writers["agent"], body="uno\n2\ntres")
    services.knowledge_article_update(article=article, author=writers["agent"], body="uno\n2\n3")
    old = selectors.knowledge_version_get(article=article, number=1)
    new = selectors.knowledge_version_get(article=article, number=3)
    assert old is not None
    assert new is not None
    lines = version_diff(old=old, new=new)
    kinds = [(line.kind, line.text) for line in lines if line.kind != "context"]
    assert ("removed", "dos") in kinds
    assert ("added", "2") in kinds
    assert ("removed", "tres") in kinds
    assert ("added", "3") in kinds


def test_slug_follows_title_until_published_then_never_changes(writers):
    article = _create(writers["agent"], title="Borrador")
    services.knowledge_article_update(article=article, author=writers["agent"], title="VPN")
    article.refresh_from_db()
    assert article.slug == "vpn"
    # The old address still leads to the article.
    assert selectors.knowledge_article_by_slug(slug="borrador", public_only=False) == article
    services.knowledge_article_publish(article=article, author=writers["supervisor"])
    services.knowledge_article_update(article=article, author=writers["supervisor"], title="Otra")
    article.refresh_from_db()
    assert article.slug == "vpn"
    assert article.title == "Otra"
    services.knowledge_article_unpublish(article=article, author=writers["supervisor"])
    services.knowledge_article_update(article=article, author=writers["agent"], title="Tercera")
    article.refresh_from_db()
    assert article.slug == "vpn", "once published, the slug is fixed for good"


def test_slugs_are_unique_and_never_reused(writers):
    first = _create(writers["agent"], title="Impresora")
    second = _create(writers["agent"], title="Impresora")
    assert (first.slug, second.slug) == ("impresora", "impresora-2")
    services.knowledge_article_update(article=first, author=writers["agent"], title="Escáner")
    third = _create(writers["agent"], title="Impresora")
    assert third.slug == "impresora-3", "a former slug still redirects: not given away"


def test_public_list_and_slug_lookup_show_only_published_public(writers):
    category = KnowledgeCategory.objects.create(name="Red", slug="red")
    public = _create(writers["agent"], title="Pública", visibility="public", category=category)
    internal = _create(writers["agent"], title="Interna")
    draft_public = _create(writers["agent"], title="Borrador público", visibility="public")
    english = services.knowledge_article_create(
        author=writers["agent"], title="Public", body="x", language="en", visibility="public"
    )
    for article in (public, internal, english):
        services.knowledge_article_publish(article=article, author=writers["admin"])
    assert list(selectors.knowledge_public_list(language="es")) == [public]
    assert list(selectors.knowledge_public_list(category_slug="red")) == [public]
    assert set(selectors.knowledge_public_list()) == {public, english}
    assert selectors.knowledge_article_by_slug(slug=internal.slug, public_only=True) is None
    assert selectors.knowledge_article_by_slug(slug=draft_public.slug, public_only=True) is None
    assert selectors.knowledge_article_by_slug(slug=public.slug, public_only=True) == public
    assert selectors.knowledge_article_by_slug(slug=internal.slug, public_only=False) == internal


def test_publish_keeps_first_publication_date(writers):
    article = _create(writers["agent"])
    services.knowledge_article_publish(article=article, author=writers["admin"])
    article.refresh_from_db()
    first = article.published_at
    services.knowledge_article_unpublish(article=article, author=writers["admin"])
    services.knowledge_article_publish(article=article, author=writers["admin"])
    article.refresh_from_db()
    assert article.status == "published"
    assert article.published_at == first


def test_article_from_ticket_drafts_scrubbed_text(resolved_ticket, writers):
    article = services.knowledge_article_from_ticket(
        ticket=resolved_ticket, author=writers["agent"]
    )
    text = article.title + "\n" + article.body
    for personal in (
        "María",
        "Maria",
        "García",
        "Pedro",
        "Ruiz",
        "Acme",
        "acme.es",
        "Mayor 5",
        "28013",
        "12345678Z",
        "X1234567L",
        "600 123 456",
        "912 345 678",
        "ES91",
        "mgl@gmail.com",
        "SOP-2026-00042",
    ):
        assert personal not in text, (personal, text)
    assert "SECRETO-CITADO" not in text, "only the new text of the customer's mail"
    assert article.title == "[ORGANIZACIÓN]: la VPN no conecta desde casa de [NOMBRE]"
    assert "La VPN no conecta desde [DIRECCIÓN]." in article.body
    assert "Se reinstaló el cliente VPN." in article.body
    assert "**Problema**" in article.body
    assert "**Solución**" in article.body
    assert article.status == "draft"
    assert article.visibility == "internal"
    assert article.language == "es"
    assert article.source_ticket == resolved_ticket
    assert [t.name for t in article.tags.all()] == ["vpn"]


def test_article_from_ticket_links_both_ways(resolved_ticket, writers):
    article = services.knowledge_article_from_ticket(
        ticket=resolved_ticket, author=writers["agent"]
    )
    assert list(selectors.knowledge_for_ticket(ticket=resolved_ticket)) == [article]
    assert [link.ticket for link in article.ticket_links.all()] == [resolved_ticket]
    assert [link.article for link in resolved_ticket.knowledge_links.all()] == [article]
    other = _create(writers["agent"], title="Relacionado")
    services.knowledge_article_link(article=other, ticket=resolved_ticket, author=writers["agent"])
    services.knowledge_article_link(article=other, ticket=resolved_ticket, author=writers["agent"])
    assert set(selectors.knowledge_for_ticket(ticket=resolved_ticket)) == {article, other}
    assert KnowledgeArticle.objects.count() == 2


def test_article_from_english_ticket_uses_english_placeholders(resolved_ticket, writers):
    resolved_ticket.language = "en"
    resolved_ticket.save()
    article = services.knowledge_article_from_ticket(
        ticket=resolved_ticket, author=writers["agent"]
    )
    assert article.language == "en"
    assert "[NAME]" in article.body
    assert "[PHONE]" in article.body
    assert "**Problem**" in article.body


def test_article_only_from_a_resolved_ticket(resolved_ticket, writers):
    from django.core.exceptions import ValidationError

    resolved_ticket.status = "open"
    resolved_ticket.save()
    with pytest.raises(ValidationError):
        services.knowledge_article_from_ticket(ticket=resolved_ticket, author=writers["agent"])
    assert KnowledgeArticle.objects.count() == 0


def test_tags_given_by_name_are_normalised_and_created(writers):
    article = _create(writers["agent"], tags=["VPN ", "vpn", "Facturación"])
    assert sorted(t.name for t in article.tags.all()) == ["facturación", "vpn"]
    services.knowledge_article_update(article=article, author=writers["agent"], tags=["red"])
    assert [t.name for t in article.tags.all()] == ["red"]
