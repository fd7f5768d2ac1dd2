"""Inline images in a real browser: a mail with a ``cid:`` image arrives over SMTP, Chromium
shows the image inside the sandboxed mail frame, and an agent who cannot see the ticket
cannot fetch it. A screenshot goes to ``test-artifacts/browser/inline-image.png``.
"""

from __future__ import annotations

import re
import time
from email.message import EmailMessage

import pytest
from playwright.sync_api import Browser, Page, expect

from ventanilla.agents.services import team_create
from ventanilla.tickets.models import Attachment, Ticket
from ventanilla.workspace.tests.test_inline_images import tiny_png

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "secret-pass-123"
# Outlook's Content-ID shape; the HTML names it in another case and %-encoded (RFC 2392).
CONTENT_ID = "image001.png@01DA2B3C.4D5E6F70"
CID_URL = "cid:IMAGE001.png%4001DA2B3C.4D5E6F70"


def _mail_with_inline_image() -> bytes:
    """A customer's mail as clients build it: multipart/alternative, the HTML part in a
    multipart/related with the PNG (RFC 2387)."""
    msg = EmailMessage()
    msg["From"] = "Lucía Pérez <lucia@cliente.es>"
    msg["To"] = "soporte@empresa.es"
    msg["Subject"] = "Error en pantalla (captura adjunta)"
    msg["Message-ID"] = "<inline-1@cliente.es>"
    msg.set_content("Hola,\n\nos adjunto la captura del error.\n\nLucía\n")
    msg.add_alternative(
        f'<p>Hola,</p><p>os adjunto la captura:</p><p><img src="{CID_URL}" alt="captura"></p>',
        subtype="html",
    )
    html_part = msg.get_payload()[1]
    html_part.add_related(
        tiny_png(24, 16), "image", "png", cid=f"<{CONTENT_ID}>", filename="image001.png"
    )
    return msg.as_bytes()


def _wait_ticket(timeout: float = 20.0) -> Ticket:
    """The ticket of the mail just sent, once the worker has processed it."""
    deadline = time.monotonic() + timeout
    while (ticket := Ticket.objects.first()) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert ticket is not None, "the mail never became a ticket"
    return ticket


def _login(page: Page, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/inbox/"))


def test_inline_image_shows_and_is_refused_to_others(
    live_server, page: Page, browser: Browser, smtp_client, mailbox, team, make_agent, artifacts
):
    mailbox.team = team
    mailbox.save(update_fields=["team"])
    make_agent("ana", teams=[team], language="en", first_name="Ana", password=PASSWORD)
    make_agent("oscar", teams=[team_create(name="Otro")], language="en", password=PASSWORD)
    smtp_client.send(_mail_with_inline_image())
    ticket = _wait_ticket()
    attachment = Attachment.objects.get(article__ticket=ticket)
    assert attachment.content_id == CONTENT_ID
    base = live_server.url

    _login(page, base, "ana")
    page.goto(f"{base}/t/{ticket.number}/")
    frame_element = page.locator(f"#article-html-{attachment.article_id} iframe")
    if not frame_element.is_visible():
        frame_element.locator("xpath=ancestor::details/summary").click()
    expect(frame_element).to_be_visible()
    frame = frame_element.element_handle().content_frame()
    assert frame is not None
    frame.wait_for_function(
        "() => { const i = document.querySelector('img'); return i && i.complete; }"
    )
    width, src = frame.evaluate(
        "() => { const i = document.querySelector('img'); return [i.naturalWidth, i.currentSrc]; }"
    )
    page.screenshot(path=str(artifacts / "inline-image.png"), full_page=True)
    assert width == 24, (width, src)
    assert src == f"{base}/t/{ticket.number}/attachments/{attachment.pk}/?inline=1"

    # The same URL, asked by an agent of another team: not found (never a hint it exists).
    other = browser.new_context()
    try:
        other_page = other.new_page()
        _login(other_page, base, "oscar")
        refused = other.request.get(src)
        assert refused.status == 404
        assert refused.body() != tiny_png(24, 16)
        # ...and from his own browser tab too.
        response = other_page.goto(src)
        assert response is not None
        assert response.status == 404
    finally:
        other.close()
    # Nobody logged in: the login page, not the image.
    anonymous = browser.new_context()
    try:
        response = anonymous.request.get(src, max_redirects=0)
        assert response.status == 302
        assert "/login/" in response.headers["location"]
    finally:
        anonymous.close()
