"""An independent, naive count of the audit events: what the rollups must equal.

Written apart from ``reports/fold.py`` on purpose (plain loops, no shared helpers), so a
mistake in the fold shows up as a difference instead of being repeated here.
"""

from __future__ import annotations

from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from ventanilla.mail.models import InboundMessage
from ventanilla.tickets.models import Ticket, TicketEvent

FIGURES = (
    "created",
    "resolved",
    "reopened",
    "merged",
    "fr_count",
    "breach_fr",
    "breach_res",
    "rated_good",
    "rated_bad",
    "in_mail",
    "in_auto",
    "in_bounce",
)


# The pipeline's events while a mail becomes a ticket: "created" counts under the team,
# agent and priority the ticket has when the first other event happens (or now).
SETTLING = {
    "created",
    "article-added",
    "participant-added",
    "triage-suggested",
    "sla-started",
    "team-set",
    "assigned",
    "tags-set",
    "priority-set",
    "ack-queued",
    "ack-suppressed",
    "sender-flagged",
    "follow-up",
}


def oracle_counts() -> Counter[tuple[Any, ...]]:
    """Return {(day, mailbox, team, agent, priority, channel, figure): n} from the events."""
    tz = ZoneInfo(settings.TIME_ZONE)
    out: Counter[tuple[Any, ...]] = Counter()
    for ticket in Ticket.objects.select_related("customer").order_by("pk"):
        team, agent, priority, channel = "", "", 3, ""
        created_pending = False
        day0 = ticket.received_at.astimezone(tz).date()
        for ev in TicketEvent.objects.filter(ticket=ticket).order_by("pk"):
            d = ev.data
            if created_pending and ev.kind not in SETTLING:
                out[(day0, ticket.mailbox_id, team, agent, priority, channel, "created")] += 1
                created_pending = False
            if ev.kind == "created":
                inbound = InboundMessage.objects.filter(pk=d.get("inbound_id") or 0).first()
                channel = inbound.source if inbound else ""
            if ev.kind == "team-set":
                team = d["new"]
            if ev.kind == "assigned":
                agent = d["new"]
            if ev.kind in ("priority-set", "sla-started"):
                priority = d["priority"]
            figure = None
            when = ev.created_at
            if ev.kind == "created":
                created_pending = True
            elif ev.kind == "status-changed":
                was_done = d["previous"] in ("resolved", "closed")
                now_done = d["new"] in ("resolved", "closed")
                if was_done and not now_done:
                    figure = "reopened"
                elif not was_done and d["new"] == "resolved":
                    figure = "resolved"
                elif not was_done and d["new"] == "closed":
                    figure = "merged"
            elif ev.kind == "first-response":
                figure = "fr_count"
            elif ev.kind == "sla-breached":
                figure = "breach_res" if d["target"] == "resolution" else "breach_fr"
            elif ev.kind == "rated":
                out[
                    (
                        when.astimezone(tz).date(),
                        ticket.mailbox_id,
                        team,
                        agent,
                        priority,
                        channel,
                        "rated_" + d["rating"],
                    )
                ] += 1
                if d["previous"]:
                    out[
                        (
                            when.astimezone(tz).date(),
                            ticket.mailbox_id,
                            team,
                            agent,
                            priority,
                            channel,
                            "rated_" + d["previous"],
                        )
                    ] -= 1
            elif ev.kind == "article-added" and d["direction"] == "in":
                figure = {"mail": "in_mail", "auto-reply": "in_auto", "bounce": "in_bounce"}[
                    d["kind"]
                ]
            if figure:
                day = when.astimezone(tz).date()
                out[(day, ticket.mailbox_id, team, agent, priority, channel, figure)] += 1
        if created_pending:
            out[(day0, ticket.mailbox_id, team, agent, priority, channel, "created")] += 1
    return +out
