"""The workspace's Knowledge section: who may do what, safe rendering, drafts from tickets."""

from __future__ import annotations

import lxml.html  # type: ignore[import-untyped]
import pytest
from django.urls import reverse

from ventanilla.knowledge.models import KnowledgeArticle
from ventanilla.knowledge.services import knowledge_article_create, knowledge_article_update

pytestmark = pytest.mark.django_db

SUBSET = {"div", "article", "p", "br", "strong", "em", "ul", "ol", "li", "a"}
ROLES = ["anonymous", "agent", "supervisor", "admin"]
PUBLISHERS = {"supervisor", "admin"}

# Markdown an author (or a customer's text pasted into it) might hold to attack readers.
XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[clic](javascript:alert(1))",
    '[clic](https://ok.example/" onmouseover="alert(1))',
    "**<svg/onload=alert(1)>**",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
]


def _draft(author, **kwargs):
    defaults = {"title": "VPN desde casa", "body": "Instale el **cliente**.", "language": "es"}
    return knowledge_article_create(author=author, **{**defaults, **kwargs})


def _as(client, people, role):
    if role != "anonymous":
        client.force_login(people[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_list_and_detail_need_an_agent(client, people, role):
    article = _draft(people["agent"])
    _as(client, people, role)
    for url in (
        reverse("workspace:knowledge"),
        reverse("workspace:knowledge-article", args=[article.pk]),
        reverse("workspace:knowledge-diff", args=[article.pk]),
    ):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302
            assert "/login/" in response["Location"]
        else:
            assert response.status_code == 200, url


@pytest.mark.parametrize("role", ROLES)
def test_create_is_for_agents(client, people, role):
    _as(client, people, role)
    response = client.post(
        reverse("workspace:knowledge-new"),
        {"title": "Nuevo", "body": "x", "language": "es", "visibility": "internal", "tags": "vpn"},
    )
    created = KnowledgeArticle.objects.filter(title="Nuevo").first()
    if role == "anonymous":
        assert response.status_code == 302
        assert created is None
    else:
        assert created is not None
        assert created.author == people[role]
        assert response["Location"] == reverse("workspace:knowledge-article", args=[created.pk])


@pytest.mark.parametrize("role", ROLES)
def test_publish_is_for_supervisors_and_admins(client, people, role):
    article = _draft(people["agent"])
    _as(client, people, role)
    response = client.post(reverse("workspace:knowledge-publish", args=[article.pk]))
    article.refresh_from_db()
    if role in PUBLISHERS:
        assert response.status_code == 302
        assert article.status == "published"
        client.post(reverse("workspace:knowledge-unpublish", args=[article.pk]))
        article.refresh_from_db()
        assert article.status == "draft"
    else:
        assert response.status_code in (302, 403)
        assert article.status == "draft"


@pytest.mark.parametrize("role", ROLES)
def test_published_article_is_edited_only_by_publishers(client, people, role):
    article = _draft(people["agent"])
    article.status = "published"
    article.save()
    _as(client, people, role)
    response = client.post(
        reverse("workspace:knowledge-edit", args=[article.pk]),
        {"title": "Cambiado", "body": "y", "language": "es", "visibility": "public"},
    )
    article.refresh_from_db()
    if role in PUBLISHERS:
        assert response.status_code == 302
        assert article.title == "Cambiado"
        assert article.versions.count() == 2
    else:
        assert response.status_code in (302, 403)
        assert article.title == "VPN desde casa"


def test_agent_edits_a_draft_and_a_version_is_added(client, people):
    article = _draft(people["agent"])
    client.force_login(people["agent"])
    client.post(
        reverse("workspace:knowledge-edit", args=[article.pk]),
        {"title": "VPN", "body": "Nuevo texto", "language": "es", "visibility": "public"},
    )
    article.refresh_from_db()
    assert (article.title, article.body, article.visibility) == ("VPN", "Nuevo texto", "public")
    assert list(article.versions.values_list("number", flat=True)) == [2, 1]


def test_preview_saves_nothing_and_is_sanitised(client, people):
    article = _draft(people["agent"])
    client.force_login(people["agent"])
    body = "**negrita**\n\n" + "\n\n".join(XSS)
    response = client.post(
        reverse("workspace:knowledge-edit", args=[article.pk]),
        {"title": "T", "body": body, "language": "es", "visibility": "internal", "preview": "1"},
    )
    html = response.content.decode()
    assert "<strong>negrita</strong>" in html
    _assert_no_active_content(html)
    article.refresh_from_db()
    assert article.title == "VPN desde casa"


def _assert_no_active_content(html: str) -> None:
    """Parse the page: the article's body holds only the subset's elements, and no
    attribute that runs script or leads to a non-web URL (escaped text is harmless)."""
    page = lxml.html.fromstring(html)
    bodies = page.find_class("kb-body")
    assert bodies, "the rendered body is on the page"
    for body in bodies:
        for element in body.iter():
            assert element.tag in SUBSET, element.tag
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), name
                if name == "href":
                    assert value.startswith(("https://", "http://", "mailto:")), value
    assert not page.xpath("//script[contains(., 'alert')]")


@pytest.mark.parametrize("payload", XSS)
def test_article_page_renders_markdown_safely(client, people, payload):
    article = _draft(people["agent"], body=f"Texto *normal*.\n\n{payload}")
    client.force_login(people["agent"])
    html = client.get(reverse("workspace:knowledge-article", args=[article.pk])).content.decode()
    assert "<em>normal</em>" in html
    _assert_no_active_content(html)


def test_diff_is_escaped_and_shows_changes(client, people):
    article = _draft(people["agent"], body="uno\n<script>alert(1)</script>")
    knowledge_article_update(article=article, author=people["agent"], body="uno\ndos")
    client.force_login(people["agent"])
    response = client.get(reverse("workspace:knowledge-diff", args=[article.pk]), {"a": 1, "b": 2})
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert 'class="d-added"' in html
    assert 'class="d-removed"' in html
    missing = client.get(reverse("workspace:knowledge-diff", args=[article.pk]), {"a": 9})
    assert missing.status_code == 404


def test_slug_address_redirects_old_and_current(client, people):
    article = _draft(people["agent"], title="Primero")
    knowledge_article_update(article=article, author=people["agent"], title="Segundo")
    client.force_login(people["agent"])
    target = reverse("workspace:knowledge-article", args=[article.pk])
    for slug in ("primero", "segundo"):
        response = client.get(reverse("workspace:knowledge-slug", args=[slug]))
        assert response["Location"] == target
    assert client.get(reverse("workspace:knowledge-slug", args=["nada"])).status_code == 404


def test_list_filters(client, people):
    _draft(people["agent"], title="Impresora atascada", language="es")
    _draft(people["agent"], title="Printer jam", language="en", visibility="public")
    client.force_login(people["agent"])
    html = client.get(reverse("workspace:knowledge"), {"language": "en"}).content.decode()
    assert "Printer jam" in html
    assert "Impresora atascada" not in html
    html = client.get(reverse("workspace:knowledge"), {"q": "impresora"}).content.decode()
    assert "Impresora atascada" in html
    assert "Printer jam" not in html


def test_resolve_with_also_draft_opens_the_draft(client, people, teams, make_ticket):
    ticket = make_ticket(team=teams[0])
    client.force_login(people["agent"])
    response = client.post(
        reverse("workspace:action", args=[ticket.number, "resolve"]),
        {"note": "Se reinició el túnel; llamar a Lucía al 600 123 456.", "also_draft": "on"},
    )
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    article = KnowledgeArticle.objects.get(source_ticket=ticket)
    assert response["Location"] == reverse("workspace:knowledge-edit", args=[article.pk])
    assert "600 123 456" not in article.body
    assert "Lucía" not in article.body
    assert "[TELÉFONO]" in article.body
    page = client.get(reverse("workspace:ticket", args=[ticket.number])).content.decode()
    assert reverse("workspace:knowledge-article", args=[article.pk]) in page


def test_resolve_without_the_box_drafts_nothing(client, people, teams, make_ticket):
    ticket = make_ticket(team=teams[0])
    client.force_login(people["agent"])
    client.post(reverse("workspace:action", args=[ticket.number, "resolve"]), {"note": "Hecho."})
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    assert not KnowledgeArticle.objects.exists()


def test_draft_button_on_resolved_ticket_only(client, people, teams, make_ticket):
    ticket = make_ticket(team=teams[0])
    client.force_login(people["agent"])
    url = reverse("workspace:action", args=[ticket.number, "draft-article"])
    page = client.get(reverse("workspace:ticket", args=[ticket.number])).content.decode()
    assert url not in page
    client.post(url)
    assert not KnowledgeArticle.objects.exists(), "an open ticket has no resolution yet"
    client.post(reverse("workspace:action", args=[ticket.number, "resolve"]), {"note": "Hecho."})
    page = client.get(reverse("workspace:ticket", args=[ticket.number])).content.decode()
    assert url in page
    response = client.post(url)
    article = KnowledgeArticle.objects.get()
    assert response["Location"] == reverse("workspace:knowledge-edit", args=[article.pk])


def test_draft_button_hides_tickets_of_other_teams(client, people, teams, make_ticket):
    ticket = make_ticket(team=teams[0], status="resolved", resolution_note="Hecho.")
    client.force_login(people["other"])
    response = client.post(reverse("workspace:action", args=[ticket.number, "draft-article"]))
    assert response.status_code == 404
    assert not KnowledgeArticle.objects.exists()


def test_section_reads_in_spanish_and_english(client, people):
    article = _draft(people["agent"])
    client.force_login(people["agent"])
    url = reverse("workspace:knowledge-article", args=[article.pk])
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Conocimiento" in spanish
    assert "Versiones" in spanish
    assert "borrador" in spanish.lower()
    people["agent"].agent.language = "en"
    people["agent"].agent.save()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Knowledge" in english
    assert "Versions" in english


@pytest.mark.parametrize(
    "address", ["/kb/vpn-desde-casa/", "https://x.example/kb/vpn-desde-casa", "vpn-desde-casa"]
)
def test_link_an_article_to_a_ticket(client, people, teams, make_ticket, address):
    article = _draft(people["agent"])
    ticket = make_ticket(team=teams[0])
    client.force_login(people["agent"])
    url = reverse("workspace:action", args=[ticket.number, "link-article"])
    client.post(url, {"article": address})
    assert [link.article for link in ticket.knowledge_links.all()] == [article]
    page = client.get(reverse("workspace:ticket", args=[ticket.number])).content.decode()
    assert reverse("workspace:knowledge-article", args=[article.pk]) in page
    detail = client.get(reverse("workspace:knowledge-article", args=[article.pk])).content.decode()
    assert reverse("workspace:ticket", args=[ticket.number]) in detail


def test_link_to_an_unknown_address_says_so(client, people, teams, make_ticket):
    ticket = make_ticket(team=teams[0])
    client.force_login(people["agent"])
    url = reverse("workspace:action", args=[ticket.number, "link-article"])
    response = client.post(url, {"article": "/kb/nada/"}, follow=True)
    assert "Ningún artículo tiene esa dirección." in response.content.decode()
    assert not ticket.knowledge_links.exists()
