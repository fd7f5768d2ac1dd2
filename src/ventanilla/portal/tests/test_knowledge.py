"""Public knowledge in the portal: only published public articles, by language and category,
searched through the search module, and "did this help?" once per visitor."""

from __future__ import annotations

import pytest
from django.test import Client

from ventanilla.knowledge.models import ArticleVisibility, KnowledgeCategory
from ventanilla.knowledge.services import knowledge_article_create, knowledge_article_publish
from ventanilla.portal import feedback
from ventanilla.portal.feedback import article_feedback_counts
from ventanilla.portal.models import ArticleFeedback
from ventanilla.portal.tests.support import customer_make, signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(make_agent):
    """Published public articles in es and en, an internal one and a public draft."""
    author = make_agent("ana", role="supervisor")
    vpn = KnowledgeCategory.objects.create(name="VPN", slug="vpn")
    mail = KnowledgeCategory.objects.create(name="Correo", slug="correo")

    def make(
        title, body, language, *, category=None, visibility=ArticleVisibility.PUBLIC, publish=True
    ):
        article = knowledge_article_create(
            author=author,
            title=title,
            body=body,
            language=language,
            category=category,
            visibility=visibility,
        )
        return knowledge_article_publish(article=article, author=author) if publish else article

    return {
        "vpn_es": make(
            "Cómo configurar la VPN",
            "Instale el cliente **VPN** <script>x</script>.",
            "es",
            category=vpn,
        ),
        "mail_es": make(
            "Configurar el correo en el móvil", "Abra los ajustes del correo.", "es", category=mail
        ),
        "vpn_en": make("How to set up the VPN", "Install the VPN client.", "en", category=vpn),
        "internal": make(
            "Contraseña maestra de la VPN",
            "Solo agentes.",
            "es",
            visibility=ArticleVisibility.INTERNAL,
        ),
        "draft": make("Borrador sobre la VPN", "Aún no.", "es", publish=False),
    }


def test_the_index_lists_published_public_articles_in_the_visitors_language(articles):
    page = Client().get("/p/kb/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Cómo configurar la VPN" in page
    assert "Configurar el correo en el móvil" in page
    assert "How to set up the VPN" not in page
    assert "Contraseña maestra" not in page
    assert "Borrador" not in page
    english = Client().get("/p/kb/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "How to set up the VPN" in english
    assert "Cómo configurar la VPN" not in english


def test_a_category_narrows_the_list(articles):
    page = Client().get("/p/kb/?category=correo", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Configurar el correo en el móvil" in page
    assert "Cómo configurar la VPN" not in page


def test_search_finds_only_public_published_articles(articles):
    page = Client().get("/p/kb/?q=vpn", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Cómo configurar la VPN" in page
    assert "Contraseña maestra" not in page
    assert "Borrador" not in page
    assert "How to set up the VPN" not in page


def test_internal_and_draft_articles_are_not_found(articles):
    for key in ("internal", "draft"):
        assert Client().get(f"/p/kb/{articles[key].slug}/").status_code == 404


def test_an_article_page_is_sanitised(articles):
    response = Client().get(f"/p/kb/{articles['vpn_es'].slug}/")
    assert response.status_code == 200
    assert b"<strong>VPN</strong>" in response.content
    assert b"<script>x" not in response.content


def test_did_this_help_is_counted_once_per_visitor(articles):
    article = articles["vpn_es"]
    url = f"/p/kb/{article.slug}/feedback/"
    visitor = Client()
    assert visitor.post(url, {"helpful": "yes"}).status_code == 303
    assert visitor.post(url, {"helpful": "no", "comment": "Falta el paso 3"}).status_code == 303
    Client().post(url, {"helpful": "yes"})
    assert article_feedback_counts(article=article) == feedback.FeedbackCounts(
        helpful=1, not_helpful=1
    )
    assert ArticleFeedback.objects.get(comment="Falta el paso 3").helpful is False


def test_a_signed_in_customer_answers_once_from_every_device(articles, mailbox):
    customer_make("lucia@cliente.es")
    client = signed_in_client("lucia@cliente.es")
    url = f"/p/kb/{articles['vpn_es'].slug}/feedback/"
    client.post(url, {"helpful": "yes"})
    client.post(url, {"helpful": "yes"})
    assert ArticleFeedback.objects.count() == 1


def test_feedback_is_post_only_with_csrf_and_a_valid_answer(articles):
    url = f"/p/kb/{articles['vpn_es'].slug}/feedback/"
    assert Client().get(url).status_code == 405
    assert Client(enforce_csrf_checks=True).post(url, {"helpful": "yes"}).status_code == 403
    assert Client().post(url, {"helpful": "maybe"}).status_code == 400
    assert not ArticleFeedback.objects.exists()


def test_feedback_is_rate_limited_per_client_address(articles):
    url = f"/p/kb/{articles['vpn_es'].slug}/feedback/"
    for _ in range(feedback.MAX_PER_IP):
        Client().post(url, {"helpful": "yes"}, REMOTE_ADDR="192.0.2.9")  # a fresh visitor each time
    response = Client().post(url, {"helpful": "yes"}, REMOTE_ADDR="192.0.2.9")
    assert "limited=1" in response.headers["Location"]
    assert ArticleFeedback.objects.count() == feedback.MAX_PER_IP
