"""The knowledge and search part of ``make run``'s demo: what it holds and what it shows."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from ventanilla.knowledge.models import ArticleStatus, KnowledgeArticle
from ventanilla.ops import demo_knowledge
from ventanilla.ops.demo import demo_ensure
from ventanilla.ops.management.commands.run import banner
from ventanilla.search.api import search
from ventanilla.suggest.selectors import suggestions_for_ticket
from ventanilla.tickets.models import Ticket, TicketStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("VENTANILLA_ADMIN_PASSWORD", raising=False)
    settings.VENTANILLA_HOME = tmp_path
    return demo_ensure()


def test_published_articles_in_both_languages_some_public_in_categories(demo):
    articles = KnowledgeArticle.objects.select_related("category")
    assert articles.count() == len(demo_knowledge.ARTICLES)
    assert {a.status for a in articles} == {ArticleStatus.PUBLISHED}
    assert {a.language for a in articles} == {"es", "en"}
    assert {a.is_public for a in articles} == {True, False}
    assert {a.category.name for a in articles if a.category} == set(
        demo_knowledge.CATEGORIES.values()
    )


def test_solved_tickets_carry_their_resolution_notes(demo):
    for solved in demo_knowledge.SOLVED:
        ticket = Ticket.objects.get(subject=solved[2])
        assert ticket.status == TicketStatus.RESOLVED
        assert ticket.resolution_note == solved[6]


def test_the_new_ticket_is_suggested_the_article_and_the_solved_ticket(demo):
    ticket = Ticket.objects.get(subject=demo_knowledge.NEW_TICKET[2])
    assert ticket.status == TicketStatus.NEW
    lucia = User.objects.get(username="lucia")
    found = suggestions_for_ticket(ticket=ticket, user=lucia)
    titles = [s.article.title for s in found.articles]
    assert titles[0] == "Cómo restablecer tu contraseña", titles
    similar = [s.ticket.subject for s in found.tickets]
    assert similar[0] == demo_knowledge.SOLVED[0][2], similar


def test_the_search_box_finds_the_demo_without_accents(demo):
    lucia = User.objects.get(username="lucia")
    results = search(query="contrasena caducado", user=lucia)
    titles = {hit.title for hit in results.hits}
    assert any("Cómo restablecer tu contraseña" in title for title in titles), titles
    assert any(demo_knowledge.NEW_TICKET[2] in title for title in titles), titles


def test_the_banner_points_at_the_search_box_and_the_ticket_to_try(demo):
    text = "\n".join(banner(demo, "127.0.0.1:8000", "127.0.0.1:2525"))
    number = Ticket.objects.get(subject=demo_knowledge.NEW_TICKET[2]).number
    assert "Search:          http://127.0.0.1:8000/search/" in text
    assert "the box at the top of every workspace page" in text
    assert f"open {number}" in text
