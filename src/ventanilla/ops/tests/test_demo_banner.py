"""What ``make run`` prints and what its demo holds, checked against the README's promises."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from ventanilla.intake.ingest import ingest_raw
from ventanilla.ops import demo_data, demo_history, demo_knowledge
from ventanilla.ops.demo import demo_ensure
from ventanilla.ops.management.commands.run import banner, example_command
from ventanilla.pipeline.services import inbound_process
from ventanilla.tickets.models import Ticket

pytestmark = pytest.mark.django_db

WEB, SMTP = "127.0.0.1:8000", "127.0.0.1:2525"
AGENTS = {"lucia", "marta", "tom"}
# The five examples, the solved tickets of the knowledge demo and its ticket to help with.
DEMO_TICKETS = len(demo_data.EXAMPLES) + len(demo_knowledge.SOLVED) + 1
# Plus the generated past tickets that give the reports a history (not listed in the banner).
ALL_TICKETS = DEMO_TICKETS + demo_history.HISTORY_TICKETS


@pytest.fixture
def demo(settings, tmp_path, monkeypatch):
    monkeypatch.delenv("VENTANILLA_ADMIN_PASSWORD", raising=False)
    settings.VENTANILLA_HOME = tmp_path
    return demo_ensure()


def test_banner_lists_the_example_tickets(demo):
    lines = banner(demo, WEB, SMTP)
    start = lines.index("  Example tickets (number, status, assignee, subject):")
    rows = lines[start + 1 : start + 1 + len(demo_data.EXAMPLES)]
    pattern = re.compile(r"^    (SOP-\d{4}-\d{5,})  (\w+)\s+(\S+)\s+(.+)$")
    matches = [pattern.match(row) for row in rows]
    parsed = [match for match in matches if match is not None]
    assert len(parsed) == len(rows), rows
    tickets = {t.number: t for t in Ticket.objects.select_related("assignee")}
    for match in parsed:
        number, status, assignee, subject = match.groups()
        ticket = tickets[number]
        assert ticket.assignee is not None
        assert (status, assignee, subject) == (
            ticket.status,
            ticket.assignee.username,
            ticket.subject,
        )
    assert [m[4] for m in parsed] == [example[2] for example in demo_data.EXAMPLES]
    # Round robin over the three demo agents: every one of them has an example ticket.
    assert {m[3] for m in parsed} == AGENTS


def test_examples_are_delivered_once_even_on_another_day(demo, monkeypatch):
    assert Ticket.objects.count() == ALL_TICKETS
    real_localtime = timezone.localtime
    tomorrow = real_localtime() + timedelta(days=1)

    def localtime(value=None, timezone=None):
        """Tomorrow for "now" (the examples' dates); other conversions untouched."""
        return tomorrow if value is None else real_localtime(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localtime", localtime)
    info = demo_ensure()
    assert Ticket.objects.count() == ALL_TICKETS, "a run on another day adds no new examples"
    assert len(info.tickets) == DEMO_TICKETS


def test_the_printed_test_mail_is_assigned_round_robin(demo):
    """README: the test mail becomes a ticket assigned to a demo agent, not "unassigned"."""
    command = example_command(demo.mailbox.address, SMTP)
    found = re.search(r"m\['Subject'\] = '([^']+)'", command)
    assert found is not None
    subject = found[1]
    raw = (
        "From: Ana <ana@example.com>\r\nTo: soporte@empresa.es\r\n"
        f"Subject: {subject}\r\nMessage-ID: <banner-test@example.com>\r\n\r\n"
        "Hola, no puedo acceder a mi cuenta.\r\n"
    ).encode()
    inbound = ingest_raw(raw, source="smtp", envelope_to=[demo.mailbox.address], process=False)
    inbound_process(inbound_id=inbound.inbound.pk)
    ticket = Ticket.objects.get(subject=subject)
    assert ticket.assignee is not None
    # Nine demo tickets went lucia, marta, tom three times over: the next one is lucia's.
    assert ticket.assignee.username == "lucia"
    assert ticket.team is not None
    assert ticket.team.name == demo_data.TEAM_NAME
