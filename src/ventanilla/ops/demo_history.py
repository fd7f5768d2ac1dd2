"""Demo history: a few hundred past tickets over several weeks, so the reports show something.

Generated, not mailed: customers of three made-up organisations write in business hours
over ``weeks`` weeks; each ticket gets the audit history a real one would have (arrival,
triage, routing, first reply, waiting, resolution, closing, now and then a reopening, an
SLA breach, a rating, an automatic reply or a bounce). Rows are written in bulk and the
audit events are handed to the listeners once (``events_recorded``, as bulk writers must),
so the report rollups count them like any others. Every ticket's first mail is an inbound
message of source ``demo`` from ``HISTORY_SENDER``: that marks the data as demo data, and
makes the generation happen once per database. Seeded: the same history every time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from hashlib import sha256

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from ventanilla.agents.models import Team
from ventanilla.customers.models import Customer, Organisation
from ventanilla.mail.models import InboundMessage, InboundSource, Mailbox
from ventanilla.tickets.businesstime import business_add
from ventanilla.tickets.models import (
    Article,
    SatisfactionRating,
    Tag,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from ventanilla.tickets.services import ticket_number_next
from ventanilla.tickets.signals import events_recorded
from ventanilla.tickets.sla_config import sla_calendar

HISTORY_SENDER = "historial@demo.invalid"
HISTORY_TICKETS = 300
ORGANISATIONS = (
    ("Clínica Sol", "clinicasol.es"),
    ("Talleres Norte", "tallernorte.es"),
    ("Bufete Vega", "bufetevega.es"),
)
TAGS = ("facturación", "vpn", "correo", "erp", "acceso", "impresora")
SUBJECTS = (
    "No puedo entrar al ERP",
    "La VPN se corta",
    "Factura duplicada",
    "Error al imprimir",
    "Correo rechazado",
    "Alta de usuario",
)
# Business minutes to first response and to resolution, by priority (targets of the demo).
TARGETS = {1: (60, 480), 2: (120, 960), 3: (240, 1920), 4: (480, 4800)}
COMMENTS = ("Muy rápidos, gracias.", "Tardasteis bastante.", "Todo perfecto.", "")


@dataclass
class Plan:
    """One generated ticket: its row, its first mail and its events (kind, when, data, actor)."""

    ticket: Ticket
    inbound: InboundMessage
    events: list[tuple[str, datetime, dict[str, object], str]] = field(default_factory=list)
    rating: tuple[str, str, datetime] | None = None


def demo_history_ensure(
    *,
    mailbox: Mailbox,
    agents: list[User],
    team: str,
    count: int = HISTORY_TICKETS,
    weeks: int = 8,
    seed: int = 7,
) -> int:
    """Generate the history once per database; return how many tickets were made (0: done)."""
    if InboundMessage.objects.filter(
        source=InboundSource.DEMO, envelope_from=HISTORY_SENDER
    ).exists():
        return 0
    return demo_history_generate(
        mailbox=mailbox, agents=agents, team=team, count=count, weeks=weeks, seed=seed
    )


@transaction.atomic
def demo_history_generate(
    *, mailbox: Mailbox, agents: list[User], team: str, count: int, weeks: int, seed: int
) -> int:
    """Write ``count`` past tickets with their histories over the last ``weeks`` weeks."""
    rng = random.Random(seed)
    now = timezone.now()
    customers = _customers(rng)
    for name in TAGS:
        Tag.objects.get_or_create(name=name)
    plans = [_plan(rng, mailbox, customers, now, weeks, f"{seed}-{i}") for i in range(count)]
    plans.sort(key=lambda p: p.ticket.received_at)
    InboundMessage.objects.bulk_create([p.inbound for p in plans], batch_size=500)
    for p in plans:
        p.ticket.number = ticket_number_next(prefix=mailbox.prefix, when=p.ticket.received_at)
    Ticket.objects.bulk_create([p.ticket for p in plans], batch_size=500)
    Article.objects.bulk_create([_article(p) for p in plans], batch_size=500)
    for p in plans:
        _history(rng, p, agents, team, now)
    _finish(plans)
    rows = _events(plans)
    events_recorded.send(sender=TicketEvent, events=rows)
    return len(plans)


def _customers(rng: random.Random) -> list[Customer]:
    orgs = [
        Organisation.objects.get_or_create(domain=d, defaults={"name": n})[0]
        for n, d in ORGANISATIONS
    ]
    out = []
    for i in range(40):
        org = orgs[i % 4] if i % 4 < 3 else None
        domain = org.domain if org else "correo.example"
        out.append(
            Customer.objects.get_or_create(
                email=f"cliente{i}@{domain}", defaults={"name": f"Cliente {i}", "organisation": org}
            )[0]
        )
    return out


def _received(rng: random.Random, now: datetime, weeks: int) -> datetime:
    """A moment in business hours (mostly) within the last ``weeks`` weeks."""
    local = timezone.localtime(now)
    while True:
        day = local - timedelta(days=rng.randrange(weeks * 7))
        if day.weekday() < 5 or rng.random() < 0.15:
            hour = rng.choice([8, 9, 9, 10, 10, 10, 11, 11, 12, 13, 15, 16, 16, 17, 18, 20])
            moment = day.replace(hour=hour, minute=rng.randrange(60), second=0, microsecond=0)
            if moment < now:
                return moment


def _plan(
    rng: random.Random,
    mailbox: Mailbox,
    customers: list[Customer],
    now: datetime,
    weeks: int,
    index: str,
) -> Plan:
    customer = rng.choice(customers)
    received = _received(rng, now, weeks)
    subject = rng.choice(SUBJECTS)
    head = f"From: {customer.email}\r\nSubject: {subject}\r\nX-Demo: {index}\r\n"
    raw = (head + "\r\nGenerado para la demo.\r\n").encode()
    inbound = InboundMessage(
        sha256=sha256(raw + b"demo-history").hexdigest(),
        raw=raw,
        size=len(raw),
        source=InboundSource.DEMO,
        envelope_from=HISTORY_SENDER,
        envelope_to=[mailbox.address],
        sender=customer.email,
        subject=subject,
        state="processed",
        send_ack=False,
        processed_at=received,
    )
    ticket = Ticket(
        mailbox=mailbox,
        customer=customer,
        subject=subject,
        status=TicketStatus.NEW,
        language="es",
        received_at=received,
        last_activity_at=received,
        priority=rng.choice([1, 2, 2, 3, 3, 3, 3, 4]),
    )
    return Plan(ticket=ticket, inbound=inbound)


def _article(plan: Plan) -> Article:
    return Article(
        ticket=plan.ticket,
        inbound=plan.inbound,
        direction="in",
        kind="mail",
        sender_email=plan.inbound.sender,
        subject=plan.ticket.subject,
        text="Generado para la demo.",
        sent_at=plan.ticket.received_at,
    )


def _history(rng: random.Random, p: Plan, agents: list[User], team: str, now: datetime) -> None:
    """Decide what happened to the ticket, as audit events in order."""
    t, start = p.ticket, p.ticket.received_at
    calendar = sla_calendar(t.priority)
    fr_target, res_target = TARGETS[t.priority]
    fr_due, res_due = (
        business_add(start, fr_target, calendar),
        business_add(start, res_target, calendar),
    )
    agent = rng.choice(agents)
    t.team_name, t.assignee = team, agent  # type: ignore[attr-defined]
    add = p.events.append
    add(("created", start, {"number": t.number, "inbound_id": p.inbound.pk}, "system"))
    add(
        (
            "article-added",
            start,
            {"direction": "in", "kind": "mail", "sender": p.inbound.sender},
            "system",
        )
    )
    add(("triage-suggested", start, {"suggestion": {"priority": t.priority}}, "system"))
    add(
        (
            "sla-started",
            start,
            {
                "priority": t.priority,
                "first_response_due_at": fr_due.isoformat(),
                "resolution_due_at": res_due.isoformat(),
            },
            "system",
        )
    )
    add(("team-set", start, {"previous": "", "new": team}, "system"))
    add(
        (
            "assigned",
            start,
            {"previous": "", "new": agent.username, "reason": "round-robin"},
            "system",
        )
    )
    if rng.random() < 0.4:
        add(("tags-set", start, {"added": [rng.choice(TAGS)], "removed": []}, agent.username))
    if rng.random() < 0.06:
        kind = rng.choice(["auto-reply", "bounce"])
        add(
            (
                "article-added",
                start + timedelta(minutes=2),
                {"direction": "in", "kind": kind, "sender": "mailer-daemon@demo.invalid"},
                "system",
            )
        )
    first = business_add(start, rng.lognormvariate(4.6, 0.9), calendar)
    if first >= now:
        t.first_response_due_at, t.resolution_due_at = fr_due, res_due
        return
    t.first_response_due_at, t.resolution_due_at, t.first_response_at = fr_due, res_due, first
    add(("reply-queued", first, {"article_id": None, "outbound_id": None}, agent.username))
    add(
        (
            "first-response",
            first,
            {"at": first.isoformat(), "within_sla": first <= fr_due},
            "system",
        )
    )
    add(
        (
            "status-changed",
            first,
            {"previous": "new", "new": "pending", "edge": "wait", "reason": ""},
            agent.username,
        )
    )
    _resolution(rng, p, agent, first, res_due, now)


def _resolution(
    rng: random.Random, p: Plan, agent: User, first: datetime, due: datetime, now: datetime
) -> None:
    t, add = p.ticket, p.events.append
    resolved = business_add(first, rng.lognormvariate(6.8, 1.0), sla_calendar(t.priority))
    if resolved > due and due < now:
        add(
            (
                "sla-breached",
                due,
                {"target": "resolution", "due_at": due.isoformat(), "minutes": None},
                "system",
            )
        )
    if resolved >= now:
        t.status = TicketStatus.PENDING
        return
    add(
        (
            "status-changed",
            resolved,
            {"previous": "pending", "new": "resolved", "edge": "resolve", "reason": ""},
            agent.username,
        )
    )
    t.status, t.resolved_at, t.last_activity_at = TicketStatus.RESOLVED, resolved, resolved
    if rng.random() < 0.08 and resolved + timedelta(days=1) < now:
        again = resolved + timedelta(hours=rng.randrange(2, 24))
        add(
            (
                "status-changed",
                again,
                {
                    "previous": "resolved",
                    "new": "open",
                    "edge": "reopen",
                    "reason": "customer-mail",
                },
                "system",
            )
        )
        resolved = again + timedelta(hours=rng.randrange(1, 30))
        if resolved >= now:
            t.status, t.resolved_at = TicketStatus.OPEN, None
            return
        add(
            (
                "status-changed",
                resolved,
                {"previous": "open", "new": "resolved", "edge": "resolve", "reason": ""},
                agent.username,
            )
        )
        t.resolved_at = t.last_activity_at = resolved
    if rng.random() < 0.55:
        rating = "good" if rng.random() < 0.82 else "bad"
        comment = rng.choice(COMMENTS)
        at = resolved + timedelta(hours=rng.randrange(1, 48))
        if at < now:
            add(
                (
                    "rated",
                    at,
                    {"rating": rating, "previous": "", "has_comment": bool(comment)},
                    t.customer.email,
                )
            )
            p.rating = (rating, comment, at)
    closed = resolved + timedelta(days=7)
    if closed < now:
        add(
            (
                "status-changed",
                closed,
                {"previous": "resolved", "new": "closed", "edge": "close", "reason": "auto-close"},
                "system",
            )
        )
        t.status, t.closed_at = TicketStatus.CLOSED, closed


def _finish(plans: list[Plan]) -> None:
    """Bring the ticket rows in line with their histories; store the ratings."""
    teams = {t.name: t for t in Team.objects.all()}
    for p in plans:
        p.ticket.team = teams.get(getattr(p.ticket, "team_name", ""))
    fields = [
        "status",
        "team",
        "assignee",
        "first_response_due_at",
        "resolution_due_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "last_activity_at",
    ]
    Ticket.objects.bulk_update([p.ticket for p in plans], fields, batch_size=500)
    ratings = [
        SatisfactionRating(ticket=p.ticket, rating=p.rating[0], comment=p.rating[1])
        for p in plans
        if p.rating
    ]
    SatisfactionRating.objects.bulk_create(ratings, batch_size=500)


def _events(plans: list[Plan]) -> list[TicketEvent]:
    """Insert every event (with its historical time) and return them in order."""
    rows = [
        TicketEvent(ticket=p.ticket, kind=k, data=d, actor=a)
        for p in plans
        for k, _, d, a in p.events
    ]
    moments = [when for p in plans for _, when, _, _ in p.events]
    TicketEvent.objects.bulk_create(rows, batch_size=500)
    for row, when in zip(rows, moments, strict=True):
        row.created_at = when  # auto_now_add set "now" on insert; the history has its own times
    TicketEvent.objects.bulk_update(rows, ["created_at"], batch_size=500)
    return rows
