"""The whole path in a real browser.

A customer's mail arrives over SMTP → the agent logs in and finds it in "unassigned" with
the suggested priority → confirms urgency/impact → takes it → replies (the reply reaches the
relay threaded to the customer's mail) → the customer answers over SMTP → the answer is on
the page → the agent resolves with a note → the customer receives the resolution mail → a
later customer reply reopens the ticket. Screenshots of the inbox and the ticket view are
saved under ``test-artifacts/browser/``.
"""

from __future__ import annotations

import re

import pytest
from conftest import build_mail
from django.utils import translation
from playwright.sync_api import Page, expect

from ventanilla.tickets.models import Priority, Ticket, TicketStatus
from ventanilla.tickets.priority import priority_for

pytestmark = [
    pytest.mark.e2e,
    # One worker runs the whole module: one browser, one live server.
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "secret-pass-123"
CUSTOMER = "lucia@cliente.es"


def _mail_to(relay, count: int, text: str):
    """Wait for the ``count``-th relayed mail and return the one whose body has ``text``."""
    for recipients, message in relay.wait_for(count, timeout=20):
        body = message.get_body(preferencelist=("plain",)).get_content()
        if text in body and CUSTOMER in recipients:
            return message
    raise AssertionError(f"no relayed mail with {text!r}: {len(relay.messages())} received")


def _login(page: Page, base: str) -> None:
    page.goto(base + "/")
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.fill("#id_username", "ana")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/inbox/unassigned/$"))


def _wait_status(ticket: Ticket, status: str) -> None:
    ticket.refresh_from_db()
    assert ticket.status == status, (ticket.status, status)


def test_mail_to_resolution_and_reopen(
    live_server, page: Page, relay, smtp_client, mailbox, team, make_agent, artifacts
):
    mailbox.team = team
    mailbox.save(update_fields=["team"])
    make_agent("ana", teams=[team], language="en", first_name="Ana", password=PASSWORD)
    base = live_server.url

    # 1. The customer writes in over SMTP; the acknowledgement goes out through the relay.
    first = build_mail(
        subject="Urgente: la intranet está caída",
        body="Hola,\n\nLa intranet no funciona desde las 9 y estamos bloqueados.\n\nLucía\n",
        message_id="<first@cliente.es>",
    )
    smtp_client.send(first)
    ticket = Ticket.objects.get()
    relay.wait_for(1)
    assert ticket.suggestion, "triage stored no suggestion"
    with translation.override("en"):
        suggested_label = str(Priority(ticket.priority).label)

    # 2. Log in; the ticket is in "unassigned" with its suggested priority.
    _login(page, base)
    row = page.locator("#inbox-rows tr", has_text=ticket.number)
    expect(row).to_be_visible()
    expect(row).to_contain_text(suggested_label)
    expect(row).to_contain_text("suggested")
    inbox_shot = artifacts / "inbox.png"
    page.screenshot(path=str(inbox_shot), full_page=True)

    # 3. Open it, see why the priority was suggested, confirm urgency and impact.
    row.get_by_role("link", name=ticket.number).click()
    expect(page).to_have_url(re.compile(rf"/t/{ticket.number}/$"))
    expect(page.locator(".suggestion")).to_contain_text("Suggested")
    page.select_option("select[name=urgency]", "high")
    page.select_option("select[name=impact]", "medium")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".msg.success")).to_contain_text("Priority saved")
    ticket.refresh_from_db()
    assert ticket.triaged
    assert ticket.priority == priority_for(urgency="high", impact="medium")

    # 4. Take it.
    page.get_by_role("button", name="Take").click()
    expect(page.locator(".msg.success")).to_contain_text("Taken")
    ticket.refresh_from_db()
    assert ticket.assignee is not None
    assert ticket.assignee.username == "ana"

    # 5. Reply: the mail reaches the relay threaded to the customer's message.
    page.fill("#id_reply_text", "Hola Lucía, estamos reiniciando el servidor de la intranet.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".msg.success")).to_contain_text("Reply")
    reply = _mail_to(relay, 2, "reiniciando el servidor")
    assert reply["In-Reply-To"] == "<first@cliente.es>"
    assert "<first@cliente.es>" in reply["References"]
    assert ticket.number in reply["Subject"]
    assert reply["Message-ID"]

    # 6. The customer answers that mail over SMTP; the answer shows up in the ticket.
    answer = build_mail(
        subject=f"Re: {reply['Subject']}",
        body="Sigue sin funcionar desde el portátil.\n\n> Hola Lucía, estamos reiniciando...\n",
        in_reply_to=reply["Message-ID"],
        references=f"<first@cliente.es> {reply['Message-ID']}",
    )
    smtp_client.send(answer)
    page.reload()
    expect(page.locator(".conversation")).to_contain_text("Sigue sin funcionar desde el port")
    assert Ticket.objects.count() == 1

    # 7. Resolve with a note; the customer receives the resolution mail.
    page.fill("#id_resolve_note", "Servidor reiniciado y caché de la VPN vaciada.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".msg.success")).to_contain_text("Resolved")
    _wait_status(ticket, TicketStatus.RESOLVED)
    sent = len(relay.messages())
    resolution = relay.wait_for(sent, timeout=20)[-1][1]
    assert ticket.number in resolution["Subject"]
    assert resolution["In-Reply-To"]
    ticket_shot = artifacts / "ticket.png"
    page.screenshot(path=str(ticket_shot), full_page=True)

    # 8. A later customer reply reopens it.
    later = build_mail(
        subject=f"Re: {resolution['Subject']}",
        body="Ha vuelto a fallar esta tarde.\n",
        in_reply_to=resolution["Message-ID"],
        references=resolution["Message-ID"],
    )
    smtp_client.send(later)
    _wait_status(ticket, TicketStatus.OPEN)
    page.reload()
    expect(page.locator(".ticket-head .status")).to_have_text("open")
    expect(page.locator(".conversation")).to_contain_text("Ha vuelto a fallar")
    print(f"\nscreenshots: {inbox_shot} {ticket_shot}")
