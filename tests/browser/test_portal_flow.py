"""The customer's side in a real browser, on a desktop and on a phone.

The customer writes in over SMTP → follows the personal link of the acknowledgement →
reads the agent's reply on the ticket page → answers there with an attachment (it reaches
the agent's conversation) → the agent resolves → the customer follows "good" from the
resolution notice, confirms on the page (the GET alone records nothing) → and then says it is
still not solved, which reopens the ticket; the agent sees the rating. A service notice of
the mailbox is in force the whole time and shows on every portal page. Every customer page
is photographed on a desktop and a phone-sized viewport under ``test-artifacts/browser/``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from conftest import build_mail
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from ventanilla.mail.models import MailboxNotice
from ventanilla.tickets.models import Article, SatisfactionRating, Ticket, TicketStatus

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "secret-pass-123"
CUSTOMER = "lucia@cliente.es"
NOTICE_ES = (
    "Migramos la herramienta de soporte esta semana: si no te respondemos, llama al 900 000 000."
)
NOTICE_EN = "We are migrating our support tool this week: if you get no reply, call 900 000 000."
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
PORTAL_LINK = re.compile(r"https?://\S+/p/t/[^/\s]+/(?=\s)")


def _body(message) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content())


def _mail_with(relay, count: int, text: str):
    """Wait for the ``count``-th relayed mail and return the customer's one containing ``text``."""
    for recipients, message in reversed(relay.wait_for(count, timeout=20)):
        if text in _body(message) and CUSTOMER in recipients:
            return message
    raise AssertionError(f"no relayed mail with {text!r}: {len(relay.messages())} received")


def _eventually(check: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


class Shots:
    """Screenshots of each customer page on both viewports (the phone re-opens the URL by GET)."""

    def __init__(self, browser: Browser, folder) -> None:
        self.folder = folder
        self.phone: BrowserContext = browser.new_context(locale="es-ES", **PHONE)
        self.taken: list[str] = []

    def take(self, page: Page, name: str) -> None:
        desktop = self.folder / f"portal-{name}-desktop.png"
        page.screenshot(path=str(desktop), full_page=True)
        phone_page = self.phone.new_page()
        phone_page.goto(page.url)
        # Nothing on the phone page overflows sideways (readable without zooming out).
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (name, width)
        phone = self.folder / f"portal-{name}-phone.png"
        phone_page.screenshot(path=str(phone), full_page=True)
        phone_page.close()
        self.taken += [desktop.name, phone.name]


def _agent_login(page: Page, base: str) -> None:
    page.goto(base + "/")
    page.fill("#id_username", "ana")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/inbox/"))


def test_customer_follows_link_answers_rates_and_reopens(
    live_server,
    browser: Browser,
    relay,
    smtp_client,
    mailbox,
    team,
    make_agent,
    artifacts,
    settings,
):
    settings.VENTANILLA_BASE_URL = live_server.url
    mailbox.team = team
    mailbox.save(update_fields=["team"])
    make_agent("ana", teams=[team], language="en", first_name="Ana", password=PASSWORD)
    now = timezone.now()
    MailboxNotice.objects.create(
        mailbox=mailbox,
        text_es=NOTICE_ES,
        text_en=NOTICE_EN,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=1),
    )
    shots = Shots(browser, artifacts)
    customer = browser.new_context(locale="es-ES", **DESKTOP).new_page()
    agent = browser.new_context(locale="en-GB", **DESKTOP).new_page()

    # 1. The customer writes in; the acknowledgement carries the notice and her link.
    smtp_client.send(
        build_mail(
            subject="No puedo entrar en la intranet",
            body="Hola,\n\nDesde esta mañana la intranet me da un error al entrar.\n\nLucía\n",
            message_id="<primero@cliente.es>",
        )
    )
    ticket = Ticket.objects.get()
    ack = _mail_with(relay, 1, ticket.number)
    assert NOTICE_ES in " ".join(_body(ack).split())
    link = PORTAL_LINK.search(_body(ack))
    assert link is not None, _body(ack)
    portal_url = link.group(0)

    # 2. The agent replies from the workspace.
    _agent_login(agent, live_server.url)
    agent.goto(f"{live_server.url}/t/{ticket.number}/")
    agent.fill("#id_reply_text", "Hola Lucía, hemos restablecido tu acceso. ¿Puedes probar ahora?")
    agent.get_by_role("button", name="Send", exact=True).click()
    expect(agent.locator(".msg.success")).to_contain_text("Reply")
    _mail_with(relay, 2, "restablecido tu acceso")

    # 3. The customer follows the link and reads the reply (the notice is on the page).
    customer.goto(portal_url)
    expect(customer.locator("h1")).to_contain_text("No puedo entrar en la intranet")
    expect(customer.locator(".conversation")).to_contain_text("hemos restablecido tu acceso")
    expect(customer.locator(".service-notice")).to_contain_text(NOTICE_ES)
    expect(customer.locator("footer")).to_contain_text("incidencias@empresa.es")
    shots.take(customer, "1-ticket")

    # 4. She answers on the page with an attachment; it reaches the agent's conversation.
    customer.fill("form.reply textarea", "Sigue fallando; adjunto el registro del error.")
    customer.set_input_files(
        "#portal-files",
        files=[{"name": "error.log", "mimeType": "text/plain", "buffer": b"ERROR 500 /login\n"}],
    )
    customer.locator("form.reply button[type=submit]").click()
    expect(customer).to_have_url(re.compile(r"\?sent=1$"))
    _eventually(
        lambda: Article.objects.filter(ticket=ticket, attachments__filename="error.log").exists(),
        "the customer's answer with its attachment",
    )
    customer.reload()
    expect(customer.locator(".conversation")).to_contain_text("adjunto el registro del error")
    expect(customer.locator(".conversation")).to_contain_text("error.log")
    shots.take(customer, "2-answered")
    agent.reload()
    expect(agent.locator(".conversation")).to_contain_text("adjunto el registro del error")

    # 5. The agent resolves; the notice offers "good" and "bad".
    agent.fill("#id_resolve_note", "Caché del navegador vaciada; acceso comprobado.")
    agent.get_by_role("button", name="Resolve").click()
    expect(agent.locator(".msg.success")).to_contain_text("Resolved")
    resolution = _mail_with(relay, len(relay.messages()), "/rate/good/")
    good = re.search(r"https?://\S+/rate/good/", _body(resolution))
    assert good is not None

    # 6. She follows "good": the page proposes it and records nothing until she confirms.
    customer.goto(good.group(0))
    expect(customer.locator("input[name=rating][value=good]")).to_be_checked()
    expect(customer.locator(".service-notice")).to_contain_text(NOTICE_ES)
    shots.take(customer, "3-rate")
    assert not SatisfactionRating.objects.exists()  # two GETs so far (desktop and phone)
    customer.fill("textarea[name=comment]", "Muy rápidos, gracias.")
    customer.locator("form.rating button[type=submit]").click()
    expect(customer).to_have_url(re.compile(r"\?saved=1$"))
    expect(customer.locator("main")).to_contain_text("tu valoración ha quedado registrada")
    shots.take(customer, "4-rated")
    rating = SatisfactionRating.objects.get(ticket=ticket)
    assert (rating.rating, rating.comment) == ("good", "Muy rápidos, gracias.")

    # 7. Then she says it is still not solved: the ticket reopens.
    customer.goto(portal_url)
    customer.fill("form.reply textarea", "Perdón, vuelve a fallar desde el portátil.")
    customer.locator("form.reply button[type=submit]").click()
    expect(customer).to_have_url(re.compile(r"\?sent=1$"))
    _eventually(
        lambda: Ticket.objects.get(pk=ticket.pk).status == TicketStatus.OPEN,
        "the ticket to reopen",
    )
    customer.reload()
    expect(customer.locator(".conversation")).to_contain_text("vuelve a fallar desde el portátil")
    shots.take(customer, "5-still-not-solved")

    # 8. The agent sees the rating and the reopened ticket.
    agent.reload()
    expect(agent.locator(".satisfaction")).to_contain_text("Good")
    expect(agent.locator(".satisfaction")).to_contain_text("Muy rápidos, gracias.")
    expect(agent.locator(".ticket-head .status")).to_have_text("open")
    agent.screenshot(path=str(artifacts / "portal-6-agent-sees-rating.png"), full_page=True)
    print("\nscreenshots:", " ".join(shots.taken), "portal-6-agent-sees-rating.png")
