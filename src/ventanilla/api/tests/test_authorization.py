"""Every endpoint against the authorization matrix.

Callers: anonymous, an agent of another team, the agent of the ticket's team, a supervisor, an
admin, the agent's read-only token, and his revoked and expired tokens. A ticket of another
queue answers 404 (its number does not leak); a read-only token may read but not write (403);
dead tokens are nobody (401).
"""

from __future__ import annotations

import base64

import pytest

from ventanilla.tickets.blobs import blob_put
from ventanilla.tickets.models import Attachment

CALLERS = ["anonymous", "other", "agent", "supervisor", "admin", "readonly", "revoked", "expired"]


def _world(make_ticket, teams):
    team_a, _ = teams
    ticket = make_ticket(team=team_a)
    target = make_ticket(team=team_a, subject="Otra")
    article = ticket.articles.first()
    attachment = Attachment.objects.create(
        article=article,
        filename="a.txt",
        content_type="text/plain",
        size=2,
        sha256=blob_put(b"hi"),
    )
    return ticket, target, attachment


def _cases(ticket, target, attachment, people, teams):
    """(name, method, path, body, writes, ticket_scoped)."""
    n = ticket.number
    team_a, _ = teams
    return [
        ("get", "get", f"/api/v1/tickets/{n}", None, False, True),
        ("articles", "get", f"/api/v1/tickets/{n}/articles", None, False, True),
        ("download", "get", f"/api/v1/tickets/{n}/attachments/{attachment.pk}", None, False, True),
        (
            "update",
            "patch",
            f"/api/v1/tickets/{n}",
            {"urgency": "high", "impact": "low"},
            True,
            True,
        ),
        ("tags", "patch", f"/api/v1/tickets/{n}", {"tags": ["vpn"]}, True, True),
        ("team", "patch", f"/api/v1/tickets/{n}", {"team_id": team_a.pk}, True, True),
        (
            "assign",
            "patch",
            f"/api/v1/tickets/{n}",
            {"assignee_id": people["agent"].pk},
            True,
            True,
        ),
        ("transition", "post", f"/api/v1/tickets/{n}/transition", {"to": "open"}, True, True),
        ("note", "post", f"/api/v1/tickets/{n}/notes", {"text": "nota"}, True, True),
        (
            "reply",
            "post",
            f"/api/v1/tickets/{n}/replies",
            {
                "text": "Hola Lucía",
                "attachments": [
                    {
                        "filename": "x.txt",
                        "content_type": "text/plain",
                        "content_base64": base64.b64encode(b"x").decode(),
                    }
                ],
            },
            True,
            True,
        ),
        ("merge", "post", f"/api/v1/tickets/{n}/merge", {"into": target.number}, True, True),
        ("list", "get", "/api/v1/tickets", None, False, False),
        ("customers", "get", "/api/v1/customers", None, False, False),
        ("organisations", "get", "/api/v1/organisations", None, False, False),
        ("agents", "get", "/api/v1/agents", None, False, False),
        ("teams", "get", "/api/v1/teams", None, False, False),
        ("knowledge", "get", "/api/v1/knowledge", None, False, False),
        (
            "knowledge-new",
            "post",
            "/api/v1/knowledge",
            {"title": "VPN", "body": "Reinicia."},
            True,
            False,
        ),
        ("search", "get", "/api/v1/search?q=vpn", None, False, False),
        ("health", "get", "/api/v1/health", None, False, False),
        (
            "create",
            "post",
            "/api/v1/tickets",
            {"customer_email": "pepe@cliente.es", "subject": "Hola", "text": "No va."},
            True,
            False,
        ),
    ]


def _expected(caller: str, writes: bool, ticket_scoped: bool) -> set[int]:
    if caller in ("anonymous", "revoked", "expired"):
        return {401}
    if caller == "readonly" and writes:
        return {403}
    if caller == "other" and ticket_scoped:
        return {404}
    return {200, 201}


CASE_NAMES = [
    "get",
    "articles",
    "download",
    "update",
    "tags",
    "team",
    "assign",
    "transition",
    "note",
    "reply",
    "merge",
    "list",
    "customers",
    "organisations",
    "agents",
    "teams",
    "knowledge",
    "knowledge-new",
    "search",
    "health",
    "create",
]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("case", CASE_NAMES)
def test_matrix(case, caller, make_ticket, teams, people, tokens, api_client):
    ticket, target, attachment = _world(make_ticket, teams)
    cases = {c[0]: c for c in _cases(ticket, target, attachment, people, teams)}
    _name, method, path, body, writes, scoped = cases[case]
    client = api_client(None if caller == "anonymous" else tokens[caller])
    kwargs = {"content_type": "application/json"} if body is not None else {}
    response = (
        getattr(client, method)(path, body, **kwargs)
        if body is not None
        else getattr(client, method)(path)
    )
    assert response.status_code in _expected(caller, writes, scoped), response.content
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == response.status_code
        assert set(problem) >= {"type", "title", "status", "detail", "instance"}


def test_other_team_list_hides_the_ticket(make_ticket, teams, tokens, api_client):
    team_a, _ = teams
    ticket = make_ticket(team=team_a)
    mine = api_client(tokens["agent"]).get("/api/v1/tickets?total=true").json()
    theirs = api_client(tokens["other"]).get("/api/v1/tickets?total=true").json()
    assert [t["number"] for t in mine["items"]] == [ticket.number]
    assert theirs["items"] == []
    assert theirs["total"] == 0


def test_session_needs_csrf_for_writes(make_ticket, teams, people):
    from django.test import Client

    team_a, _ = teams
    ticket = make_ticket(team=team_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["agent"])
    assert client.get(f"/api/v1/tickets/{ticket.number}").status_code == 200
    refused = client.post(
        f"/api/v1/tickets/{ticket.number}/notes", {"text": "x"}, content_type="application/json"
    )
    assert refused.status_code in (401, 403)
    assert not ticket.articles.filter(kind="note").exists()


def test_updated_since_with_any_offset(make_ticket, teams, tokens, api_client):
    """Found by schemathesis on PostgreSQL: an offset of -19:09 is ISO 8601 but not SQL."""
    make_ticket(team=teams[0])
    client = api_client(tokens["agent"])
    far = client.get(
        "/api/v1/tickets", {"updated_since": "1679-01-19T09:51:39.8909-19:09", "total": "true"}
    )
    assert far.status_code == 200
    assert far.json()["total"] == 1
    naive = client.get("/api/v1/tickets", {"updated_since": "2999-01-01T00:00:00", "total": "true"})
    assert naive.json()["total"] == 0
    forged = client.get(
        "/api/v1/tickets", {"cursor": "WyIyMDI2LTAxLTAxVDAwOjAwOjAwLTE5OjA5IiwgMV0"}
    )
    assert forged.status_code == 200
    too_early = client.get("/api/v1/tickets", {"updated_since": "0001-01-01T00:00:00+05:00"})
    assert too_early.status_code == 400
