"""suggestions_for_ticket: hybrid ranking, reasons, and only what the agent may see."""

from __future__ import annotations

import pytest

from ventanilla.suggest.selectors import suggestions_for_ticket


@pytest.fixture
def solved(make_ticket, teams):
    soporte, facturacion = teams
    return {
        "password": make_ticket(
            "Forgot my password",
            "I forgot my password and cannot get into the app.",
            note="Sent the reset link; the customer set a new password.",
            team=soporte,
        ),
        "invoice": make_ticket(
            "Importe de la factura incorrecto",
            "La factura de marzo tiene un importe mayor que nuestro plan.",
            note="Se emitió una factura rectificativa.",
            team=facturacion,
        ),
        "open": make_ticket("No puedo entrar", "Olvidé la contraseña otra vez", team=soporte),
    }


@pytest.fixture
def teams(db):
    from ventanilla.agents.services import team_create

    return team_create(name="Soporte"), team_create(name="Facturación")


def test_similar_solved_ticket_found_by_meaning_across_languages(make_ticket, make_agent, solved):
    boss = make_agent("jefa", role="supervisor")
    ticket = make_ticket("Clave olvidada", "Se me ha olvidado la clave de acceso y no puedo entrar")
    result = suggestions_for_ticket(ticket=ticket, user=boss)
    first = result.tickets[0]
    assert first.ticket == solved["password"]
    assert first.resolution_note == "Sent the reset link; the customer set a new password."
    assert first.why.similar_meaning
    assert solved["open"] not in [s.ticket for s in result.tickets]  # not solved
    assert ticket not in [s.ticket for s in result.tickets]


def test_only_tickets_the_agent_may_see(make_ticket, make_agent, solved, teams):
    soporte, _facturacion = teams
    ana = make_agent("ana", teams=[soporte])
    ticket = make_ticket("Factura mal", "El importe de la factura de marzo no cuadra", team=soporte)
    seen = [s.ticket for s in suggestions_for_ticket(ticket=ticket, user=ana).tickets]
    assert solved["invoice"] not in seen
    assert solved["password"] in seen
    boss = make_agent("jefa", role="supervisor")
    seen = [s.ticket for s in suggestions_for_ticket(ticket=ticket, user=boss).tickets]
    assert seen[0] == solved["invoice"]


def test_published_articles_with_shared_words_as_reason(make_ticket, make_knowledge, make_agent):
    refund = make_knowledge("Solicitar un reembolso", "Puede pedir el reembolso en 14 días.")
    make_knowledge("Reembolso (borrador)", "Reembolso del pedido", status="draft")
    make_knowledge("Change the interface language", "Profile → Language", language="en")
    boss = make_agent("jefa", role="supervisor")
    ticket = make_ticket("Reembolso", "Quiero el reembolso de mi compra, me equivoqué")
    articles = suggestions_for_ticket(ticket=ticket, user=boss).articles
    assert articles[0].article == refund
    assert "reembolso" in articles[0].why.terms
    assert all(a.article.status == "published" for a in articles)
    assert len(articles) == 2


def test_empty_ticket_suggests_nothing(make_ticket, make_agent):
    ticket = make_ticket("", "")
    result = suggestions_for_ticket(ticket=ticket, user=make_agent("jefa", role="supervisor"))
    assert result.articles == []
    assert result.tickets == []
