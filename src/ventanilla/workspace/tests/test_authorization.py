"""Authorization matrix: every workspace view and action against every kind of visitor.

Visitors: anonymous (→ login), an agent of another team (→ 404 on team A's ticket, and
nothing written), the team's agent, a supervisor and an admin (→ allowed, and the action
really happened). The ticket under test belongs to team A.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.urls import reverse

from ventanilla.tickets.blobs import blob_put
from ventanilla.tickets.models import (
    Article,
    Attachment,
    CannedResponse,
    Ticket,
    TicketEvent,
    TicketStatus,
)

ROLES = ["anonymous", "other", "agent", "supervisor", "admin"]
ALLOWED = {"agent", "supervisor", "admin"}
INBOX_VIEWS = ["unassigned", "mine", "team", "pending", "breaching", "open", "closed"]


@pytest.fixture
def world(people, teams, make_ticket):
    """Team A's ticket with an attachment, a merge target, and a canned response."""
    team_a, _team_b = teams
    ticket = make_ticket(team=team_a)
    target = make_ticket(team=team_a, subject="Otra incidencia")
    article = ticket.articles.get()
    attachment = Attachment.objects.create(
        article=article,
        filename="informe.pdf",
        content_type="application/pdf",
        size=5,
        sha256=blob_put(b"%PDF-"),
    )
    canned = CannedResponse.objects.create(
        title="Saludo", language="es", body="Hola {{ customer_name }}, ticket {{ ticket_number }}"
    )
    return {
        "ticket": ticket,
        "target": target,
        "article": article,
        "attachment": attachment,
        "canned": canned,
        "people": people,
        "teams": teams,
    }


def _client(client, world, role):
    if role != "anonymous":
        client.force_login(world["people"][role])
    return client


def _inbox_url(view, _world):
    return reverse("workspace:inbox", args=[view])


# name -> (url builder, is it about the ticket?)
GET_VIEWS: dict[str, tuple[Callable[[dict[str, Any]], str], bool]] = {
    "home": (lambda w: reverse("workspace:home"), False),
    **{f"inbox-{v}": (partial(_inbox_url, v), False) for v in INBOX_VIEWS},
    "ticket": (lambda w: reverse("workspace:ticket", args=[w["ticket"].number]), True),
    "article-body": (
        lambda w: (
            reverse("workspace:article-body", args=[w["ticket"].number, w["article"].pk])
            + "?images=1"
        ),
        True,
    ),
    "attachment": (
        lambda w: reverse("workspace:attachment", args=[w["ticket"].number, w["attachment"].pk]),
        True,
    ),
    "canned": (
        lambda w: reverse("workspace:canned", args=[w["ticket"].number, w["canned"].pk]),
        True,
    ),
    "suggestions": (lambda w: reverse("workspace:suggestions", args=[w["ticket"].number]), True),
    "notifications": (lambda w: reverse("workspace:notifications"), False),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", GET_VIEWS)
def test_get_views(client, world, role, view):
    build, about_ticket = GET_VIEWS[view]
    url = build(world)
    response = _client(client, world, role).get(url)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("workspace:login") + "?next=")
    elif role == "other" and about_ticket:
        assert response.status_code == 404
    elif view == "home":
        assert response.status_code == 302
        assert response["Location"] == reverse("workspace:inbox", args=["unassigned"])
    else:
        assert response.status_code == 200


def _set_status(ticket, status):
    Ticket.objects.filter(pk=ticket.pk).update(status=status)


# action -> (POST data, preparation of the ticket, check that it happened)
ACTIONS = {
    "priority": (
        lambda w: {"urgency": "high", "impact": "high"},
        None,
        lambda t, w, u: t.triaged and t.urgency == "high" and t.priority == 1,
    ),
    "take": (lambda w: {}, None, lambda t, w, u: t.assignee_id == u.pk),
    "assign": (
        lambda w: {"assignee": w["people"]["agent"].pk},
        None,
        lambda t, w, u: t.assignee_id == w["people"]["agent"].pk,
    ),
    "team": (lambda w: {"team": ""}, None, lambda t, w, u: t.team_id is None),
    "tags": (
        lambda w: {"tags": "vpn, Facturación"},
        None,
        lambda t, w, u: {x.name for x in t.tags.all()} == {"vpn", "facturación"},
    ),
    "open": (lambda w: {}, None, lambda t, w, u: t.status == TicketStatus.OPEN),
    "pending": (lambda w: {}, None, lambda t, w, u: t.status == TicketStatus.PENDING),
    "resolve": (
        lambda w: {"note": "Reinstalado el cliente VPN."},
        None,
        lambda t, w, u: t.status == TicketStatus.RESOLVED and "VPN" in t.resolution_note,
    ),
    "close": (
        lambda w: {},
        TicketStatus.RESOLVED,
        lambda t, w, u: t.status == TicketStatus.CLOSED,
    ),
    "reopen": (
        lambda w: {"reason": "sigue fallando"},
        TicketStatus.CLOSED,
        lambda t, w, u: t.status == TicketStatus.OPEN,
    ),
    "merge": (
        lambda w: {"target": w["target"].number},
        None,
        lambda t, w, u: t.merged_into_id == w["target"].pk,
    ),
    "reply": (
        lambda w: {"text": "Hola Lucía, ya está.", "cc": ""},
        None,
        lambda t, w, u: t.articles.filter(direction="out", kind="mail", author=u).exists(),
    ),
    "note": (
        lambda w: {"text": "Llamar mañana."},
        None,
        lambda t, w, u: t.articles.filter(kind="note", author=u).exists(),
    ),
    "draft-article": (
        lambda w: {},
        TicketStatus.RESOLVED,
        lambda t, w, u: t.knowledge_drafts.filter(author=u).exists(),
    ),
    "link-article": (
        lambda w: {"article": f"/kb/{_knowledge_article(w).slug}/"},
        None,
        lambda t, w, u: t.knowledge_links.filter(created_by=u).exists(),
    ),
}


def _knowledge_article(world):
    """An article (written by a supervisor) to link the ticket to."""
    from ventanilla.knowledge.services import knowledge_article_create

    return knowledge_article_create(
        author=world["people"]["supervisor"], title="VPN", body="x", language="es"
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_ticket_actions(client, world, role, action):
    data, status, happened = ACTIONS[action]
    ticket = world["ticket"]
    if status is not None:
        _set_status(ticket, status)
    events_before = TicketEvent.objects.filter(ticket=ticket).count()
    articles_before = Article.objects.filter(ticket=ticket).count()
    url = reverse("workspace:action", args=[ticket.number, action])
    response = _client(client, world, role).post(url, data(world))
    ticket.refresh_from_db()
    if role in ALLOWED:
        assert response.status_code == 302
        assert happened(ticket, world, world["people"][role]), action
        return
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("workspace:login"))
    else:
        assert response.status_code == 404
    # Refused means refused: no audit row, no article, no field changed.
    assert TicketEvent.objects.filter(ticket=ticket).count() == events_before
    assert Article.objects.filter(ticket=ticket).count() == articles_before
    assert not happened(ticket, world, world["people"]["agent"])


@pytest.mark.parametrize("role", ROLES)
def test_get_on_action_url_is_refused(client, world, role):
    url = reverse("workspace:action", args=[world["ticket"].number, "take"])
    response = _client(client, world, role).get(url)
    assert response.status_code == 405
    world["ticket"].refresh_from_db()
    assert world["ticket"].assignee_id is None


@pytest.mark.parametrize("role", ROLES)
def test_own_account_actions(client, world, role):
    c = _client(client, world, role)
    away = c.post(reverse("workspace:availability"), {"away": "on"})
    read = c.post(reverse("workspace:notifications-read"))
    if role == "anonymous":
        assert away.status_code == read.status_code == 302
        assert away["Location"].startswith(reverse("workspace:login"))
        return
    assert away.status_code == read.status_code == 302
    world["people"][role].agent.refresh_from_db()
    assert world["people"][role].agent.away is True


def test_agent_sees_no_team_and_own_tickets_of_other_teams(client, world, make_ticket):
    """Visibility: no-team tickets and tickets assigned to him are the agent's too."""
    team_b = world["teams"][1]
    ana = world["people"]["agent"]
    no_team = make_ticket()
    assigned = make_ticket(team=team_b, assignee=ana)
    foreign = make_ticket(team=team_b)
    client.force_login(ana)
    for ticket, code in ((no_team, 200), (assigned, 200), (foreign, 404)):
        url = reverse("workspace:ticket", args=[ticket.number])
        assert client.get(url).status_code == code, ticket.number


def test_merge_into_a_ticket_of_another_team_is_404(client, world, make_ticket):
    """The merge target is looked up within what the agent sees: numbers do not leak."""
    foreign = make_ticket(team=world["teams"][1])
    client.force_login(world["people"]["agent"])
    url = reverse("workspace:action", args=[world["ticket"].number, "merge"])
    response = client.post(url, {"target": foreign.number})
    assert response.status_code == 404
    world["ticket"].refresh_from_db()
    assert world["ticket"].merged_into_id is None


def test_logged_in_user_without_agent_profile_is_forbidden(client, world, django_user_model):
    user = django_user_model.objects.create_user("cliente", password="x-secret-123")
    client.force_login(user)
    assert client.get(reverse("workspace:inbox", args=["open"])).status_code == 403
    url = reverse("workspace:ticket", args=[world["ticket"].number])
    assert client.get(url).status_code == 403
