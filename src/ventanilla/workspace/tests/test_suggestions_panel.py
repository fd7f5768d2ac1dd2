"""The suggestions panel: loaded after the page, articles with insert buttons, solved tickets."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ventanilla.knowledge.models import KnowledgeArticle
from ventanilla.suggest.services import embeddings_backfill


@pytest.fixture
def panel(people, teams, make_ticket):
    team_a, team_b = teams
    ticket = make_ticket(team=team_a, subject="Reembolso de mi compra")
    solved = make_ticket(team=team_a, subject="Quiero la devolución del dinero", email="b@c.es")
    solved.status, solved.resolution_note = "resolved", "Reembolso abonado en la tarjeta."
    solved.save()
    hidden = make_ticket(team=team_b, subject="Reembolso del plan anual", email="h@c.es")
    hidden.status, hidden.resolution_note = "resolved", "Nota que el agente no debe ver."
    hidden.save()
    for t, text in (
        (ticket, "Compré por error y quiero el reembolso"),
        (solved, "Compré el plan por error, devolvedme el dinero"),
        (hidden, "Reembolso del plan anual, por favor"),
    ):
        t.articles.update(text=text, new_text=text)
    article = KnowledgeArticle.objects.create(
        title="Solicitar un reembolso",
        slug="solicitar-reembolso",
        body="Pida el reembolso en 14 días.",
        language="es",
        status="published",
        visibility="public",
        author=people["admin"],
    )
    for kind in ("ticket", "article"):
        embeddings_backfill(kind=kind)
    return {"ticket": ticket, "solved": solved, "hidden": hidden, "article": article}


def test_page_loads_the_panel_afterwards_with_a_static_script(client, people, panel):
    client.force_login(people["agent"])
    html = client.get(reverse("workspace:ticket", args=[panel["ticket"].number])).content.decode()
    url = reverse("workspace:suggestions", args=[panel["ticket"].number])
    assert f'hx-get="{url}"' in html
    assert 'hx-trigger="load"' in html
    assert "workspace/suggest.js" in html
    assert "Solicitar un reembolso" not in html  # not computed with the page


def test_panel_lists_article_and_visible_solved_ticket_with_reasons(client, people, panel):
    client.force_login(people["agent"])
    response = client.get(reverse("workspace:suggestions", args=[panel["ticket"].number]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Solicitar un reembolso" in html
    assert 'data-insert="http://127.0.0.1:8000/p/kb/solicitar-reembolso/"' in html
    assert 'data-insert="Pida el reembolso en 14 días."' in html
    assert panel["solved"].number in html
    assert "Reembolso abonado en la tarjeta." in html
    assert panel["hidden"].number not in html
    assert "Nota que el agente no debe ver" not in html
    assert "reembolso" in html
    assert "Por qué" in html
