"""Canned responses: which ones an agent may use on a ticket, and rendering their variables.

A canned body is a Django template limited to four variables — ``{{ customer_name }}``,
``{{ ticket_number }}``, ``{{ agent_name }}``, ``{{ subject }}`` — and the built-in filters
(``{{ customer_name|default:"cliente" }}``). It is rendered by its own engine with **no tags
at all**: ``{% include %}``, ``{% load %}``, ``{% debug %}`` and friends could read templates
or dump state, and an admin-written body should not be able to do either. The context
holds plain strings only, so no template can reach the ORM. Autoescaping is off: the result
is the plain text of a mail, not HTML.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.template import Context, Engine, TemplateSyntaxError
from django.utils.translation import gettext as _

from ventanilla.tickets.models import CannedResponse, Ticket


class _FiltersOnlyEngine(Engine):
    """A template engine that knows the built-in filters and not a single tag."""

    default_builtins = ["django.template.defaultfilters"]


_ENGINE = _FiltersOnlyEngine(loaders=[], autoescape=False, libraries={})


def canned_context(*, ticket: Ticket, agent: User) -> dict[str, str]:
    """Return the values of the canned-response variables for ``ticket`` and ``agent``."""
    customer = ticket.customer
    return {
        "customer_name": customer.name or customer.email,
        "ticket_number": ticket.number,
        "agent_name": agent.get_full_name() or agent.get_username(),
        "subject": ticket.subject,
    }


def canned_render(*, canned: CannedResponse, ticket: Ticket, agent: User) -> str:
    """Return the body of ``canned`` with its variables filled in for ``ticket``.

    Raises ``ValidationError`` for a body that is not a valid template (a tag, a broken
    ``{{``), so the agent sees a message instead of an error page.
    """
    try:
        template = _ENGINE.from_string(canned.body)
    except TemplateSyntaxError as exc:
        raise ValidationError(
            _("The canned response “%(title)s” cannot be used: %(error)s"),
            params={"title": canned.title, "error": str(exc)},
        ) from exc
    # Context() escapes by default whatever the engine says: plain text must not be escaped.
    values = canned_context(ticket=ticket, agent=agent)
    return template.render(Context(values, autoescape=False))


def canned_for(*, ticket: Ticket, agent: User) -> QuerySet[CannedResponse]:
    """Return the canned responses ``agent`` may use on ``ticket``.

    The global ones, the ticket team's and those of the agent's own teams; the ones in the
    ticket's language first, then by title.
    """
    teams = Q(team__isnull=True) | Q(team__in=agent.teams.all())
    if ticket.team_id is not None:
        teams |= Q(team_id=ticket.team_id)
    same_language = Case(
        When(language=ticket.language or "es", then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        CannedResponse.objects.filter(teams)
        .annotate(other_language=same_language)
        .order_by("other_language", "title", "pk")
    )


def canned_get_for(*, ticket: Ticket, agent: User, canned_id: int) -> CannedResponse | None:
    """Return the canned response ``canned_id`` if ``agent`` may use it on ``ticket``, else None."""
    return canned_for(ticket=ticket, agent=agent).filter(pk=canned_id).first()
