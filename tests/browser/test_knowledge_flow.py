"""The knowledge base in a real browser: an agent resolves a ticket and ticks "also draft an
article", reviews the draft (personal data already replaced), previews and saves it; a
supervisor publishes it and compares two versions. Screenshots go to
``test-artifacts/browser/knowledge-*.png``.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from ventanilla.customers.models import Customer
from ventanilla.knowledge.models import KnowledgeArticle
from ventanilla.tickets.models import Article, Ticket

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "secret-pass-123"


def _ticket(mailbox, team) -> Ticket:
    customer = Customer.objects.create(email="lucia.perez@cliente.es", name="Lucía Pérez")
    now = timezone.now()
    ticket = Ticket.objects.create(
        number="SOP-2026-00007",
        mailbox=mailbox,
        customer=customer,
        team=team,
        subject="La VPN no conecta",
        received_at=now,
        last_activity_at=now,
        language="es",
    )
    Article.objects.create(
        ticket=ticket,
        direction="in",
        kind="mail",
        sender_email=customer.email,
        sender_name=customer.name,
        subject=ticket.subject,
        new_text="Hola, soy Lucía Pérez; mi móvil es 611 22 33 44. La VPN no conecta.",
    )
    return ticket


def _login(page: Page, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/inbox/"))


def test_resolve_draft_review_publish_compare(
    live_server, page: Page, browser: Browser, relay, mailbox, team, make_agent, artifacts
):
    make_agent("ana", teams=[team], language="en", first_name="Ana", password=PASSWORD)
    make_agent("sara", role="supervisor", language="en", password=PASSWORD)
    ticket = _ticket(mailbox, team)
    base = live_server.url

    # 1. The agent resolves with "also draft an article" and lands in the draft's editor.
    _login(page, base, "ana")
    page.goto(f"{base}/t/{ticket.number}/")
    page.fill("#id_resolve_note", "Reinstalado el cliente VPN; Lucía confirmó al 611 22 33 44.")
    page.check("input[name=also_draft]")
    page.click("form[action$='/do/resolve/'] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/knowledge/\d+/edit/"))
    body = page.input_value("#id_body")
    assert "[TELÉFONO]" in body
    assert "611 22 33 44" not in body
    assert "Lucía" not in body
    expect(page.locator(".notice")).to_contain_text(ticket.number)

    # 2. Preview, then save a reviewed text: version 2.
    page.fill("#id_body", body + "\n\n- Paso 1: **reinstalar**\n- Paso 2: reiniciar")
    page.click("button[name=preview]")
    expect(page.locator(".kb-preview li strong")).to_have_text("reinstalar")
    page.screenshot(path=str(artifacts / "knowledge-editor.png"), full_page=True)
    page.click(".kb-editor button.primary")
    expect(page).to_have_url(re.compile(r"/knowledge/\d+/$"))
    expect(page.locator(".kb-body li")).to_have_count(2)
    expect(page.locator("form[action$='/publish/']")).to_have_count(0)
    article = KnowledgeArticle.objects.get(source_ticket=ticket)
    assert article.versions.count() == 2

    # 3. A supervisor publishes it and compares the two versions.
    context = browser.new_context()
    other = context.new_page()
    _login(other, base, "sara")
    other.goto(f"{base}/knowledge/{article.pk}/")
    other.click("form[action$='/publish/'] button")
    expect(other.locator(".kb-status")).to_have_text("published")
    other.click("text=Compare")
    expect(other.locator("tr.d-added")).not_to_have_count(0)
    other.screenshot(path=str(artifacts / "knowledge-diff.png"), full_page=True)
    article.refresh_from_db()
    assert article.status == "published"
    context.close()
