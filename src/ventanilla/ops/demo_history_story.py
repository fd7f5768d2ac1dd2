"""The story of one generated demo ticket: which audit events happened to it, and when.

Decided by a seeded random generator: arrival, triage, routing, maybe a tag and an automatic
reply or bounce, the first reply (business time from arrival, log-normal), waiting on the
customer, resolution (sometimes after its SLA target), a rating, closing a week later, and
now and then a reopening. Events that would lie in the future are left out: those tickets
are still open.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import User

from ventanilla.mail.models import InboundMessage
from ventanilla.tickets.businesstime import business_add
from ventanilla.tickets.models import Ticket, TicketStatus
from ventanilla.tickets.sla_config import sla_calendar

TAGS = ("facturación", "vpn", "correo", "erp", "acceso", "impresora")
# Business minutes to first response and to resolution, by priority (targets of the demo).
TARGETS = {1: (60, 480), 2: (120, 960), 3: (240, 1920), 4: (480, 4800)}
COMMENTS = ("Muy rápidos, gracias.", "Tardasteis bastante.", "Todo perfecto.", "")


@dataclass
class Plan:
    """One generated ticket: its row, its first mail, team and events (kind, when, data, actor)."""

    ticket: Ticket
    inbound: InboundMessage
    team: str = ""
    events: list[tuple[str, datetime, dict[str, object], str]] = field(default_factory=list)
    rating: tuple[str, str, datetime] | None = None

    def add(self, event: str, when: datetime, actor: str = "system", **data: object) -> None:
        """Append an audit event of kind ``event`` at ``when``."""
        self.events.append((event, when, data, actor))

    def move(self, at: datetime, previous: str, new: str, edge: str, actor: str) -> None:
        """Append a status change."""
        self.add("status-changed", at, actor, previous=previous, new=new, edge=edge, reason="")


def demo_story(rng: random.Random, p: Plan, agents: list[User], team: str, now: datetime) -> None:
    """Decide what happened to the ticket ``p``: its audit events, in order."""
    t, start = p.ticket, p.ticket.received_at
    calendar = sla_calendar(t.priority)
    fr_minutes, res_minutes = TARGETS[t.priority]
    t.first_response_due_at = fr_due = business_add(start, fr_minutes, calendar)
    t.resolution_due_at = res_due = business_add(start, res_minutes, calendar)
    agent = rng.choice(agents)
    p.team, t.assignee = team, agent
    _arrival(rng, p, agent.username)
    first = business_add(start, rng.lognormvariate(4.6, 0.9), calendar)
    if first >= now:
        return
    t.first_response_at = first
    p.add("reply-queued", first, agent.username, article_id=None, outbound_id=None)
    p.add("first-response", first, at=first.isoformat(), within_sla=first <= fr_due)
    p.move(first, "new", "pending", "wait", agent.username)
    if _resolved(rng, p, agent.username, first, res_due, now):
        _after(rng, p, now)


def _arrival(rng: random.Random, p: Plan, agent: str) -> None:
    """What the pipeline writes while the mail becomes a ticket."""
    t, start = p.ticket, p.ticket.received_at
    p.add("created", start, number=t.number, inbound_id=p.inbound.pk)
    p.add("article-added", start, direction="in", kind="mail", sender=p.inbound.sender)
    p.add("triage-suggested", start, suggestion={"priority": t.priority})
    p.add(
        "sla-started",
        start,
        priority=t.priority,
        first_response_due_at=_iso(t.first_response_due_at),
        resolution_due_at=_iso(t.resolution_due_at),
    )
    p.add("team-set", start, previous="", new=p.team)
    p.add("assigned", start, previous="", new=agent, reason="round-robin")
    if rng.random() < 0.4:
        p.add("tags-set", start, agent, added=[rng.choice(TAGS)], removed=[])
    if rng.random() < 0.06:
        kind = rng.choice(["auto-reply", "bounce"])
        later = start + timedelta(minutes=2)
        p.add(
            "article-added", later, direction="in", kind=kind, sender="mailer-daemon@demo.invalid"
        )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _resolved(
    rng: random.Random, p: Plan, agent: str, first: datetime, due: datetime, now: datetime
) -> bool:
    """Resolve the ticket (maybe late, maybe reopened once); False when still in progress."""
    t = p.ticket
    resolved = business_add(first, rng.lognormvariate(6.8, 1.0), sla_calendar(t.priority))
    if resolved > due and due < now:
        p.add("sla-breached", due, target="resolution", due_at=due.isoformat(), minutes=None)
    if resolved >= now:
        t.status = TicketStatus.PENDING
        return False
    p.move(resolved, "pending", "resolved", "resolve", agent)
    t.status, t.resolved_at, t.last_activity_at = TicketStatus.RESOLVED, resolved, resolved
    if rng.random() < 0.08 and resolved + timedelta(days=1) < now:
        again = resolved + timedelta(hours=rng.randrange(2, 24))
        p.move(again, "resolved", "open", "reopen", "system")
        resolved = again + timedelta(hours=rng.randrange(1, 30))
        if resolved >= now:
            t.status, t.resolved_at = TicketStatus.OPEN, None
            return False
        p.move(resolved, "open", "resolved", "resolve", agent)
        t.resolved_at = t.last_activity_at = resolved
    return True


def _after(rng: random.Random, p: Plan, now: datetime) -> None:
    """The customer's rating, then closing a week after the resolution."""
    t = p.ticket
    resolved = t.resolved_at
    assert resolved is not None
    if rng.random() < 0.55:
        rating = "good" if rng.random() < 0.82 else "bad"
        comment = rng.choice(COMMENTS)
        at = resolved + timedelta(hours=rng.randrange(1, 48))
        if at < now:
            p.add(
                "rated", at, t.customer.email, rating=rating, previous="", has_comment=bool(comment)
            )
            p.rating = (rating, comment, at)
    closed = resolved + timedelta(days=7)
    if closed < now:
        p.move(closed, "resolved", "closed", "close", "system")
        t.status, t.closed_at = TicketStatus.CLOSED, closed
