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
from datetime import datetime, timedelta
from hashlib import sha256

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from ventanilla.agents.models import Team
from ventanilla.customers.models import Customer, Organisation
from ventanilla.mail.models import InboundMessage, InboundSource, Mailbox
from ventanilla.ops.demo_history_story import TAGS, Plan, demo_story
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

HISTORY_SENDER = "historial@demo.invalid"
HISTORY_TICKETS = 300
ORGANISATIONS = (
    ("Clínica Sol", "clinicasol.es"),
    ("Talleres Norte", "tallernorte.es"),
    ("Bufete Vega", "bufetevega.es"),
)
SUBJECTS = (
    "No puedo entrar al ERP",
    "La VPN se corta",
    "Factura duplicada",
    "Error al imprimir",
    "Correo rechazado",
    "Alta de usuario",
)


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
        demo_story(rng, p, agents, team, now)
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


def _finish(plans: list[Plan]) -> None:
    """Bring the ticket rows in line with their histories; store the ratings."""
    teams = {t.name: t for t in Team.objects.all()}
    for p in plans:
        p.ticket.team = teams.get(p.team)
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
