"""Results are scoped like the inbox; a ticket number or a Message-ID jumps to the ticket."""

from __future__ import annotations

import pytest

from ventanilla.search.api import SearchFilters, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_queues(make_ticket, make_agent, teams):
    soporte, facturacion = teams
    mine = make_ticket("VPN", "El cortafuegos bloquea la VPN", team=soporte)
    theirs = make_ticket("Cobro", "El cortafuegos de la tarjeta secreta rechaza", team=facturacion)
    agent = make_agent("ana", teams=[soporte])
    return agent, mine, theirs


def test_agent_never_sees_another_teams_ticket(two_queues):
    agent, mine, _theirs = two_queues
    results = search(query="cortafuegos", user=agent)
    assert [h.ref for h in results.hits] == [mine.number]
    assert results.total == 1
    assert search(query="tarjeta secreta", user=agent).total == 0
    assert all("tarjeta" not in h.snippet_html for h in results.hits)


def test_supervisor_sees_both_and_filters(two_queues, boss, teams):
    _agent, mine, theirs = two_queues
    assert search(query="cortafuegos", user=boss).total == 2
    only = search(query="cortafuegos", user=boss, filters=SearchFilters(team_id=teams[1].pk))
    assert [h.ref for h in only.hits] == [theirs.number]
    mine_only = search(query="cortafuegos", user=boss, filters=SearchFilters(customer="cliente1@"))
    assert [h.ref for h in mine_only.hits] == [mine.number]
    assert search(query="cortafuegos", user=boss, filters=SearchFilters(status="closed")).total == 0


def test_anonymous_and_customers_find_nothing(two_queues):
    from django.contrib.auth.models import AnonymousUser

    assert search(query="cortafuegos", user=AnonymousUser()).total == 0


def test_number_and_message_id_jump_only_when_visible(two_queues):
    agent, mine, theirs = two_queues
    url = f"/t/{mine.number}/"
    assert search(query=mine.number.lower(), user=agent).jump_url == url
    message_id = mine.articles.get().message_id
    assert search(query=f"<{message_id}>", user=agent).jump_url == url
    assert search(query=message_id, user=agent).jump_url == url
    assert search(query=theirs.number, user=agent).jump_url is None
    other_id = theirs.articles.get().message_id
    assert search(query=other_id, user=agent).jump_url is None


def test_pagination_and_totals(make_ticket, boss):
    for n in range(5):
        make_ticket(f"Portátil {n}", "El portátil no arranca")
    page = search(query="portatil", user=boss, limit=2, offset=4)
    assert page.total == 5
    assert len(page.hits) == 1
