"""Demo workspace for ``make run``: a team, three agents and a few example tickets (es/en).

The example tickets go through the real door (``ingest_raw``) and pipeline, so a newcomer sees
what a real mail turns into: suggested priority, routing (the team is round robin, so each is
assigned to an agent), SLA clock. They are delivered once per mailbox: running this again, on
any day, adds nothing. No acknowledgement is sent for them: their senders are made up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from django.db import transaction
from django.utils import timezone

from ventanilla.agents.models import AssignmentPolicy, Role, Team
from ventanilla.agents.selectors import team_by_name, user_by_username
from ventanilla.agents.services import agent_create, agent_profile_ensure, team_create
from ventanilla.intake.ingest import ingest_raw
from ventanilla.mail.models import InboundSource, Mailbox
from ventanilla.mail.selectors import inbound_exists_from
from ventanilla.mail.services import mailbox_team_set
from ventanilla.pipeline.services import inbound_process
from ventanilla.tickets.selectors import ticket_list_from_source

TEAM_NAME = "Soporte"
# The ``source`` of the example mails: how they are told from real ones.
DEMO_SOURCE = InboundSource.DEMO


@dataclass(frozen=True)
class DemoAgent:
    """One demo login."""

    username: str
    first_name: str
    role: str
    language: str


AGENTS = (
    DemoAgent("lucia", "Lucía", Role.SUPERVISOR, "es"),
    DemoAgent("marta", "Marta", Role.AGENT, "es"),
    DemoAgent("tom", "Tom", Role.AGENT, "en"),
)

# (sender name, sender address, subject, body, hours ago, optional X-Priority)
EXAMPLES = (
    (
        "Ana García",
        "ana.garcia@clinicasol.es",
        "URGENTE: el ERP está caído en producción",
        "Hola,\n\nDesde las 8:00 nadie en la clínica puede entrar al ERP; todos los usuarios "
        "ven un error 502. Estamos bloqueados, no podemos facturar.\n\nGracias,\nAna",
        2,
        "1",
    ),
    (
        "John Carter",
        "john.carter@northwind.co.uk",
        "Cannot export the monthly report",
        "Hi,\n\nThe export button of the monthly report does nothing since yesterday. "
        "It's only me, my colleagues can export fine. Not urgent.\n\nRegards,\nJohn",
        20,
        "",
    ),
    (
        "Pedro Martín",
        "pedro@ferreteriamartin.es",
        "Duda sobre la factura de octubre",
        "Buenos días:\n\n¿Podríais enviarme de nuevo la factura de octubre? No la encuentro."
        "\n\nUn saludo,\nPedro",
        50,
        "",
    ),
    (
        "Sarah Lee",
        "sarah.lee@brightlabs.io",
        "VPN down for the whole office",
        "Hello,\n\nThe VPN has been down for all users in our Madrid office since this "
        "morning. Production deployments are blocked.\n\nSarah",
        5,
        "",
    ),
    (
        "Carmen Ruiz",
        "carmen.ruiz@gestoriaruiz.es",
        "No puedo cambiar mi contraseña",
        "Hola, al intentar cambiar la contraseña me sale un error. ¿Me podéis ayudar?\n\nCarmen",
        1,
        "",
    ),
)


def demo_mail(mailbox: Mailbox, example: tuple[str, str, str, str, int, str], index: int) -> bytes:
    """The bytes of example mail ``index`` to ``mailbox``, dated from today's midnight."""
    name, address, subject, body, hours_ago, x_priority = example
    # Dates relative to the first run would change the bytes on every run; a fixed offset
    # from midnight today keeps the same bytes all day (dedup) and the demo fresh each day.
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    sent = midnight - timedelta(hours=hours_ago)
    message = EmailMessage()
    message["From"] = f"{name} <{address}>"
    message["To"] = mailbox.address
    message["Subject"] = subject
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = f"<demo-{sent:%Y%m%d}-{index}@{address.rsplit('@', 1)[1]}>"
    if x_priority:
        message["X-Priority"] = x_priority
    message.set_content(body)
    return message.as_bytes()


@transaction.atomic
def demo_agents_ensure(*, mailbox: Mailbox, password: str | None) -> Team:
    """Create the demo team (round robin) and agents if missing; route the mailbox to it."""
    team = team_by_name(TEAM_NAME) or team_create(
        name=TEAM_NAME, policy=AssignmentPolicy.ROUND_ROBIN
    )
    for agent in AGENTS:
        if user_by_username(agent.username) is None:
            domain = mailbox.address.rsplit("@", 1)[1]
            agent_create(
                username=agent.username,
                email=f"{agent.username}@{domain}",
                password=password,
                role=agent.role,
                language=agent.language,
                first_name=agent.first_name,
                teams=[team],
            )
    admin = user_by_username("admin")
    if admin is not None:
        agent_profile_ensure(user=admin, role=Role.ADMIN)
    if mailbox.team_id is None:
        mailbox_team_set(mailbox=mailbox, team_id=team.pk)
    return team


def demo_tickets_ensure(*, mailbox: Mailbox) -> int:
    """Deliver the example mails once per mailbox and process them now; return how many.

    Their bytes carry today's date, so dedup alone would add five more every day: the check
    is whether any example mail was ever delivered to the mailbox. They are processed here,
    not by the worker, so the tickets (and their assignees) exist when the banner lists them.
    """
    if inbound_exists_from(mailbox=mailbox, source=DEMO_SOURCE):
        return 0
    created = 0
    for index, example in enumerate(EXAMPLES):
        result = ingest_raw(
            demo_mail(mailbox, example, index),
            source=DEMO_SOURCE,
            envelope_from=example[1],
            envelope_to=[mailbox.address],
            send_ack=False,
            process=False,
        )
        if result.created:
            inbound_process(inbound_id=result.inbound.pk)
            created += 1
    return created


@dataclass(frozen=True)
class DemoTicket:
    """One example ticket as it is now, for the banner."""

    number: str
    subject: str
    status: str
    assignee: str


def demo_tickets(*, mailbox: Mailbox) -> list[DemoTicket]:
    """Return the example tickets of ``mailbox`` as they are now, in the order they arrived."""
    tickets = ticket_list_from_source(mailbox_id=mailbox.pk, source=DEMO_SOURCE)
    return [
        DemoTicket(
            number=ticket.number,
            subject=ticket.subject,
            status=ticket.status,
            assignee=ticket.assignee.username if ticket.assignee else "(unassigned)",
        )
        for ticket in tickets
    ]


def describe_tickets(tickets: list[DemoTicket] | tuple[DemoTicket, ...]) -> list[str]:
    """Lines for the banner: one per example ticket (number, status, assignee, subject)."""
    if not tickets:
        return []
    return [
        "Example tickets (number, status, assignee, subject):",
        *(f"  {t.number}  {t.status:<9} {t.assignee:<12} {t.subject}" for t in tickets),
    ]


def describe_agents(password: str | None) -> list[str]:
    """Lines for the banner: the demo agents' logins."""
    shown = password or "(same as admin)"
    names = ", ".join(f"{a.username} ({a.role}, {a.language})" for a in AGENTS)
    return [f"Agent logins:    {names} / {shown}"]
