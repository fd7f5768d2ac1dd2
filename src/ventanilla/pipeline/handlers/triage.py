"""Triage a new ticket: suggest urgency, impact and priority, start its SLA, route it.

Runs right after ``ticket`` and only for a ticket this message created. The suggestion reads
the subject, the customer's new text (``ctx.body.new_text``: quoted history and signature
already stripped, so an old "urgente" further down the thread does not count) and the
priority headers (``tickets.triage_rules``). Then the ticket goes to its mailbox's team and,
by the team's policy, to an agent (``tickets.assignment.ticket_route_new``).

Imported history gets the suggestion but no SLA clock and no routing (``ImportedTriage``,
in the import pipeline): mail from last year must not page anyone today.
"""

from __future__ import annotations

from ventanilla.pipeline.context import Context, MailKind
from ventanilla.tickets.assignment import ticket_route_new
from ventanilla.tickets.priority import ticket_triage_new

# The headers the priority rule reads (``triage_rules.HeaderRule``).
PRIORITY_HEADERS = ("X-Priority", "X-MSMail-Priority", "Importance", "Priority")


class Triage:
    """Suggest the priority of a new ticket, start its SLA clock and route it to a team."""

    name = "triage"
    description = "Suggest urgency/impact/priority of a new ticket, start its SLA, route it."
    live = True  # start the SLA clock and route the ticket

    def process(self, ctx: Context) -> None:
        """See `Handler`."""
        ticket = ctx.ticket
        if not ctx.created_ticket or ticket is None or ctx.kind is not MailKind.MAIL:
            return
        live = self.live
        headers = {name: ctx.parsed.header(name) for name in PRIORITY_HEADERS}
        text = ctx.body.new_text or ctx.body.text
        ticket = ticket_triage_new(ticket=ticket, text=text, headers=headers, start_sla=live)
        if live:
            ticket = ticket_route_new(ticket=ticket)
        ctx.ticket = ticket


class ImportedTriage(Triage):
    """The import pipeline's ``triage``: the suggestion only, no SLA clock, no routing."""

    name = "imported-triage"
    description = "Imports: suggest the priority of a new ticket; no SLA, no routing."
    live = False
