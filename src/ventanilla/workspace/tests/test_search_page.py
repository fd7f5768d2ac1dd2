"""The search page and the top bar's box: agents only, scoped results, jump, filters, pages."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.tickets.models import ArticleDirection, ArticleKind, Ticket
from ventanilla.tickets.services import article_add, ticket_create_from_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def queues(mailbox, make_agent):
    from ventanilla.agents.services import team_create

    soporte, cobros = team_create(name="Soporte"), team_create(name="Cobros")

    def ticket(n: int, subject: str, text: str, team) -> Ticket:
        customer = customer_upsert_from_mail(email=f"c{n}@cliente.es", name=f"Cliente {n}")
        made = ticket_create_from_mail(
            mailbox=mailbox,
            customer=customer,
            subject=subject,
            received_at=timezone.now(),
            language="es",
        )
        made.team = team
        made.save(update_fields=["team"])
        fields = {"text": text, "message_id": f"m{n}@cliente.es"}
        article_add(
            ticket=made, direction=ArticleDirection.IN, kind=ArticleKind.MAIL, fields=fields
        )
        return made

    mine = ticket(1, "Contraseña caducada", "No puedo cambiar la <contraseña>", soporte)
    theirs = ticket(2, "Cobro doble", "Me cobraron la contraseña secreta dos veces", cobros)
    make_agent("ana", teams=[soporte])
    return mine, theirs


def test_results_are_scoped_highlighted_and_escaped(client, queues):
    mine, theirs = queues
    client.login(username="ana", password="secret-pass-123")
    page = client.get("/search/", {"q": "contrasena"})
    html = page.content.decode()
    assert page.status_code == 200
    assert mine.number in html
    assert theirs.number not in html
    assert "secreta" not in html
    assert "&lt;<mark>contraseña</mark>&gt;" in html
    assert 'role="search"' in html  # the top bar's box


def test_number_and_message_id_jump_to_the_ticket(client, queues):
    mine, theirs = queues
    client.login(username="ana", password="secret-pass-123")
    assert client.get("/search/", {"q": mine.number}).url == f"/t/{mine.number}/"
    assert client.get("/search/", {"q": "<m1@cliente.es>"}).url == f"/t/{mine.number}/"
    refused = client.get("/search/", {"q": theirs.number})
    assert refused.status_code == 200
    assert f'href="/t/{theirs.number}/"' not in refused.content.decode()


def test_filters_and_anonymous(client, queues):
    mine, _theirs = queues
    assert client.get("/search/", {"q": "contrasena"}).status_code == 302  # to the login
    client.login(username="ana", password="secret-pass-123")
    none = client.get("/search/", {"q": "contrasena", "kind": "article"}).content.decode()
    assert mine.number not in none
    closed = client.get("/search/", {"q": "contrasena", "status": "closed"}).content.decode()
    assert mine.number not in closed
    bad = client.get("/search/", {"q": "contrasena", "page": "x", "date_from": "nope"})
    assert bad.status_code == 200


def test_spanish_page(client, queues):
    from ventanilla.agents.models import AgentProfile

    AgentProfile.objects.filter(user__username="ana").update(language="es")
    client.login(username="ana", password="secret-pass-123")
    html = client.get("/search/", {"q": "contrasena"}).content.decode()
    assert "1 resultado" in html


def test_more_matches_than_are_ranked_say_more_than(client, queues, make_agent, monkeypatch):
    from ventanilla.agents.models import AgentProfile
    from ventanilla.search import engine

    make_agent("jefa", role="supervisor")  # sees both tickets
    AgentProfile.objects.filter(user__username="jefa").update(language="es")
    client.login(username="jefa", password="secret-pass-123")
    monkeypatch.setattr(engine, "CANDIDATES", 1)
    html = client.get("/search/", {"q": "contrasena"}).content.decode()
    assert "Más de 1 resultados" in html
