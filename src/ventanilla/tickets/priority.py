"""Priority from urgency × impact, and the explainable suggestion made when a ticket arrives.

The company's procedure rates each ticket's urgency and impact (high / medium / low) and reads
the priority P1–P4 off the ``PriorityCell`` matrix. On arrival ``priority_suggest`` proposes
both from the mail; an agent confirms or changes them (``ticket_set_priority``, which marks
the ticket triaged and recomputes the SLA due dates).

The suggestion rules are data (``tickets/triage_rules.py``): each rule has a name and a
description, and every reason in the suggestion names the rule, the text that fired it and
the axis it moved, so an agent can see *why* a ticket came in as P1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ventanilla.customers.models import Customer, ServiceTier
from ventanilla.tickets import events
from ventanilla.tickets.models import Level, Ticket
from ventanilla.tickets.sla import sla_due_dates_set, sla_started_event, ticket_sla_recompute
from ventanilla.tickets.sla_config import sla_config
from ventanilla.tickets.triage_rules import RULES, SCAN_CHARS, Reason, Signals, normalise

LEVELS = (Level.LOW, Level.MEDIUM, Level.HIGH)  # ascending, so a step is ±1 in this tuple


@dataclass(frozen=True)
class Suggestion:
    """What the rules propose for a new ticket, and why."""

    urgency: str
    impact: str
    priority: int
    reasons: list[dict[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The value stored in ``Ticket.suggestion``."""
        return asdict(self)


def priority_for(*, urgency: str, impact: str) -> int:
    """Return the priority (1–4) of the matrix cell (urgency, impact); blank means medium."""
    return sla_config().priority(urgency, impact)


def customer_tier(customer: Customer) -> str:
    """The customer's own service tier, else his organisation's, else standard."""
    if customer.tier:
        return customer.tier
    if customer.organisation_id is not None and customer.organisation is not None:
        return customer.organisation.tier
    return str(ServiceTier.STANDARD)


def priority_suggest(
    *, subject: str, text: str, customer: Customer, headers: Mapping[str, str]
) -> Suggestion:
    """Propose urgency, impact and priority from the subject, the customer's new text (not
    the quoted history), the priority headers and the customer's tier; medium/medium when
    nothing speaks. Per axis a "high" reason beats a "low" one (when in doubt, hurry); the
    tier then moves impact one step (see ``triage_rules``).
    """
    original = f"{subject}\n{text}"[:SCAN_CHARS]
    signals = Signals(
        text=normalise(original),
        original=original,
        headers={name.lower(): value for name, value in headers.items()},
        tier=customer_tier(customer),
    )
    reasons: list[Reason] = []
    for rule in RULES:
        reasons.extend(rule.apply(signals))
    urgency, used_u = _level(reasons, "urgency")
    impact, used_i = _level(reasons, "impact")
    return Suggestion(
        urgency=urgency,
        impact=impact,
        priority=priority_for(urgency=urgency, impact=impact),
        reasons=[reason.as_json() for reason in reasons if reason in used_u or reason in used_i],
    )


def _level(reasons: list[Reason], axis: str) -> tuple[str, list[Reason]]:
    """Votes (high / low) decide the level, then steps (+1 / -1) move it; returns the level
    and the reasons of ``axis`` that counted (all votes are kept: they explain the outcome).

    A step down never undoes a "high" vote: an outage in production is high impact whatever
    the customer's contract says.
    """
    votes = {reason.level for reason in reasons if reason.axis == axis and reason.level}
    level = Level.HIGH if Level.HIGH in votes else Level.LOW if Level.LOW in votes else Level.MEDIUM
    index = LEVELS.index(level)
    used = [reason for reason in reasons if reason.axis == axis and reason.level]
    for reason in reasons:
        if reason.axis != axis or not reason.step or (level == Level.HIGH and reason.step < 0):
            continue
        index = min(max(index + reason.step, 0), len(LEVELS) - 1)
        used.append(reason)
    return str(LEVELS[index]), used


@transaction.atomic
def ticket_set_priority(*, ticket: Ticket, urgency: str, impact: str, actor: User | None) -> Ticket:
    """Set urgency and impact (an agent's decision), derive the priority, recompute the SLA.

    Marks the ticket triaged. Raises ``ValidationError`` for a level that is not
    high/medium/low. Writes a "priority-set" event with the previous values.
    """
    valid = {str(level) for level in LEVELS}
    if urgency not in valid or impact not in valid:
        raise ValidationError(_("Urgency and impact must be high, medium or low."))
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    previous_priority = ticket.priority
    previous = {"urgency": ticket.urgency, "impact": ticket.impact, "priority": previous_priority}
    ticket.urgency, ticket.impact = urgency, impact
    ticket.priority = priority_for(urgency=urgency, impact=impact)
    ticket.triaged = True
    ticket.save(update_fields=["urgency", "impact", "priority", "triaged", "updated_at"])
    if ticket.priority != previous_priority:
        ticket_sla_recompute(ticket=ticket, previous_priority=previous_priority)
    events.ticket_priority_set_event(
        ticket=ticket,
        actor=actor.get_username() if actor is not None else "system",
        previous=previous,
        urgency=urgency,
        impact=impact,
        priority=ticket.priority,
    )
    return ticket


@transaction.atomic(savepoint=False)
def ticket_triage_new(
    *, ticket: Ticket, text: str, headers: Mapping[str, str], start_sla: bool = True
) -> Ticket:
    """Apply the rules' suggestion to a new ticket (not yet triaged) and start its SLA clock.

    ``text`` is the customer's new text (no quoted history). The suggestion is stored with
    its reasons in ``Ticket.suggestion`` and a "triage-suggested" event. ``start_sla=False``
    (imported history) leaves the ticket without due dates, so old mail raises no alerts.
    """
    suggestion = priority_suggest(
        subject=ticket.subject, text=text, customer=ticket.customer, headers=headers
    )
    ticket.urgency, ticket.impact = suggestion.urgency, suggestion.impact
    ticket.priority = suggestion.priority
    ticket.suggestion = suggestion.as_json()
    ticket.triaged = False
    fields = ["urgency", "impact", "priority", "suggestion", "triaged"]
    if start_sla:
        fields += sla_due_dates_set(ticket)  # saved with the suggestion: one UPDATE
    ticket.save(update_fields=[*fields, "updated_at"])
    events.ticket_triage_suggested_event(ticket=ticket, suggestion=ticket.suggestion)
    if start_sla:
        sla_started_event(ticket)
    return ticket
