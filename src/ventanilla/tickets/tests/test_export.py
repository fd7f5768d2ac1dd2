"""``ventanilla tickets export --json``: the documented shape, order, streaming, query count."""

from __future__ import annotations

import hashlib
import io
import json
from email.message import EmailMessage

import pytest
from conftest import build_mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ventanilla.tickets.export import ticket_export_iter
from ventanilla.tickets.models import ArticleDirection, ArticleKind, Ticket
from ventanilla.tickets.services import article_add

PDF = b"%PDF-1.4 factura de prueba\n" * 20


def _with_attachment():
    msg = EmailMessage()
    msg["From"] = "Lucía Pérez <lucia@cliente.es>"
    msg["To"] = "soporte@empresa.es"
    msg["Cc"] = "Marta Ruiz <marta@cliente.es>"
    msg["Subject"] = "Factura incorrecta"
    msg["Message-ID"] = "<factura@cliente.es>"
    msg["Date"] = "Tue, 24 Nov 2026 09:30:00 +0000"
    msg.set_content("Hola,\n\nLa factura adjunta tiene un importe incorrecto.\n")
    msg.add_alternative("<p>Hola,</p><p>La factura <b>adjunta</b></p><script>x()</script>", "html")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="factura.pdf")
    return msg.as_bytes()


def _import(tmp_path, messages):
    for name, raw in messages.items():
        (tmp_path / name).write_bytes(raw)
    call_command("mail", "import", str(tmp_path), "--no-progress", "--no-ack", stdout=io.StringIO())


@pytest.fixture
def conversation(mailbox, tmp_path):
    """Two tickets made by the real pipeline: one with Cc, HTML, a PDF, a reply and a note."""
    _import(
        tmp_path,
        {
            "1.eml": _with_attachment(),
            "2.eml": build_mail(
                sender="Juan <juan@otro.es>", subject="Otra cosa", message_id="<otra@otro.es>"
            ),
            "3.eml": build_mail(
                subject="Re: Factura incorrecta",
                message_id="<factura-2@cliente.es>",
                in_reply_to="<factura@cliente.es>",
            ),
        },
    )
    ticket = Ticket.objects.get(articles__message_id="factura@cliente.es")
    article_add(
        ticket=ticket,
        direction=ArticleDirection.OUT,
        kind=ArticleKind.NOTE,
        fields={"sender_email": "agente@empresa.es", "text": "Revisado con contabilidad."},
    )
    return ticket


def _export(*args):
    out = io.StringIO()
    call_command("tickets", "export", "--json", *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


@pytest.mark.django_db(transaction=True)
def test_export_shape(conversation):
    data = _export()
    assert [t["number"] for t in data] == list(
        Ticket.objects.order_by("received_at", "pk").values_list("number", flat=True)
    )
    item = next(t for t in data if t["number"] == conversation.number)
    customer = conversation.customer
    customer.refresh_from_db()
    assert item["customer"] == {
        "name": "Lucía Pérez",
        "email": "lucia@cliente.es",
        "language": customer.language,
    }
    assert item["language"] == conversation.language
    assert item["status"] == conversation.status
    assert item["received_at"] == conversation.received_at.isoformat()
    assert {"email": "marta@cliente.es", "name": "Marta Ruiz", "role": "cc"} in item["participants"]
    first, reply, note = item["articles"]
    assert (first["direction"], first["kind"]) == ("in", "mail")
    assert first["from"] == {"name": "Lucía Pérez", "email": "lucia@cliente.es"}
    assert first["to"][0]["email"] == "soporte@empresa.es"
    assert first["message_id"] == "factura@cliente.es"
    assert first["date"].startswith("2026-11-24T09:30:00")
    assert "importe incorrecto" in first["text"]
    assert "<script" not in first["html"]
    (attachment,) = first["attachments"]
    assert attachment == {
        "filename": "factura.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "content_id": "",
        "inline": False,
    }
    assert reply["message_id"] == "factura-2@cliente.es"
    assert (note["direction"], note["kind"]) == ("out", "note")
    assert note["text"] == "Revisado con contabilidad."


@pytest.mark.django_db(transaction=True)
def test_export_to_file_and_empty(mailbox, tmp_path, conversation):
    target = tmp_path / "out" / "tickets.json"
    target.parent.mkdir()
    call_command("tickets", "export", "--json", "--output", str(target), stderr=io.StringIO())
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 2
    assert not target.with_name("tickets.json.partial").exists()
    Ticket.objects.all().delete()
    assert _export() == []
    with pytest.raises(CommandError, match="--json"):
        call_command("tickets", "export")


@pytest.mark.django_db(transaction=True)
def test_export_queries_do_not_grow_with_tickets(conversation):
    with CaptureQueriesContext(connection) as few:
        assert len(list(ticket_export_iter())) == 2
    # Tickets (with customer, mailbox, team, assignee, linked tickets), tags, participants,
    # articles (with author), attachments, and the record: events, mail in, mail out.
    assert len(few.captured_queries) == 8
    with CaptureQueriesContext(connection) as chunked:
        assert len(list(ticket_export_iter(chunk_size=1))) == 2
    assert len(chunked.captured_queries) <= 2 * 8 + 1


def test_export_carries_the_full_record(conversation, make_agent):
    """Every audit row, every mail in and every mail out (with its delivery state)."""
    from ventanilla.tickets.replies import ticket_reply

    agent = make_agent("ana", role="supervisor")
    ticket_reply(ticket=conversation, author=agent, text="Ya está corregida.")
    item = next(t for t in _export() if t["number"] == conversation.number)
    kinds = [e["kind"] for e in item["events"]]
    assert kinds[0] == "created"
    assert "reply-queued" in kinds
    assert [e["at"] for e in item["events"]] == sorted(e["at"] for e in item["events"])
    assert {m["message_id"] for m in item["mail_in"]} == {
        "factura@cliente.es",
        "factura-2@cliente.es",
    }
    assert all(m["state"] == "processed" for m in item["mail_in"])
    (reply,) = [m for m in item["mail_out"] if m["kind"] == "reply"]
    assert reply["state"] == "queued"
    assert reply["recipients"] == ["lucia@cliente.es"]
    assert "raw" not in reply


def test_export_is_written_to_the_sensitive_action_log(conversation):
    from ventanilla.agents.audit_log import SensitiveAction, SensitiveKind

    _export()
    (row,) = SensitiveAction.objects.filter(kind=SensitiveKind.EXPORT, target="tickets")
    assert row.data == {"tickets": 2, "format": "json"}
    assert row.actor_name.startswith("cli:")
