"""Customers and organisations (within what the caller may see), agents and teams (read)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from ventanilla.agents.selectors import agent_users_active, team_list
from ventanilla.api.auth import api_user
from ventanilla.api.selectors import customers_visible, organisations_visible
from ventanilla.customers.models import Customer, Organisation

router = Router(tags=["people"])
PAGE_MAX = 200


class OrganisationOut(Schema):
    """A client company."""

    id: int
    name: str
    domain: str
    tier: str


class CustomerOut(Schema):
    """A person who writes in."""

    id: int
    email: str
    name: str
    language: str
    tier: str
    organisation_id: int | None
    created_at: str


class AgentOut(Schema):
    """An active agent."""

    id: int
    username: str
    name: str
    email: str
    role: str
    away: bool
    team_ids: list[int]


class TeamOut(Schema):
    """A team (queue) and its members."""

    id: int
    name: str
    policy: str
    member_ids: list[int]


class PageQuery(Schema):
    """Offset paging for the short lists (people, not tickets)."""

    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(50, ge=1, le=PAGE_MAX)
    email: str = Field("", max_length=320)


def _customer(c: Customer) -> dict[str, object]:
    return {
        "id": c.pk,
        "email": c.email,
        "name": c.name,
        "language": c.language,
        "tier": c.tier,
        "organisation_id": c.organisation_id,
        "created_at": c.created_at.isoformat(),
    }


def _organisation(o: Organisation) -> dict[str, object]:
    return {"id": o.pk, "name": o.name, "domain": o.domain, "tier": o.tier}


@router.get("/customers", response=list[CustomerOut], summary="List customers")
def list_customers(request: HttpRequest, query: Query[PageQuery]) -> list[dict[str, object]]:
    """Customers the caller may see (supervisors: all; agents: those of visible tickets)."""
    rows = customers_visible(user=api_user(request)).order_by("email", "id")
    if query.email:
        rows = rows.filter(email=query.email.strip().lower())
    return [_customer(c) for c in rows[query.offset : query.offset + query.limit]]


@router.get("/customers/{customer_id}", response=CustomerOut, summary="Get a customer")
def get_customer(request: HttpRequest, customer_id: int) -> dict[str, object]:
    """One customer (404 when not visible)."""
    customer = customers_visible(user=api_user(request)).filter(pk=customer_id).first()
    if customer is None:
        raise Http404(customer_id)
    return _customer(customer)


@router.get("/organisations", response=list[OrganisationOut], summary="List organisations")
def list_organisations(request: HttpRequest, query: Query[PageQuery]) -> list[dict[str, object]]:
    """Organisations the caller may see."""
    rows = organisations_visible(user=api_user(request)).order_by("name", "id")
    return [_organisation(o) for o in rows[query.offset : query.offset + query.limit]]


@router.get(
    "/organisations/{organisation_id}", response=OrganisationOut, summary="Get an organisation"
)
def get_organisation(request: HttpRequest, organisation_id: int) -> dict[str, object]:
    """One organisation (404 when not visible)."""
    found = organisations_visible(user=api_user(request)).filter(pk=organisation_id).first()
    if found is None:
        raise Http404(organisation_id)
    return _organisation(found)


@router.get("/agents", response=list[AgentOut], summary="List agents")
def list_agents(request: HttpRequest) -> list[dict[str, object]]:
    """The active agents, their roles and teams (every agent may read the team)."""
    api_user(request)
    rows = agent_users_active().select_related("agent").prefetch_related("teams")
    return [
        {
            "id": u.pk,
            "username": u.get_username(),
            "name": u.get_full_name(),
            "email": u.email,
            "role": u.agent.role,
            "away": u.agent.away,
            "team_ids": sorted(t.pk for t in u.teams.all()),
        }
        for u in rows
    ]


@router.get("/teams", response=list[TeamOut], summary="List teams")
def list_teams(request: HttpRequest) -> list[dict[str, object]]:
    """Every team and its members."""
    api_user(request)
    return [
        {
            "id": t.pk,
            "name": t.name,
            "policy": t.policy,
            "member_ids": sorted(m.pk for m in t.members.all()),
        }
        for t in team_list().prefetch_related("members")
    ]
