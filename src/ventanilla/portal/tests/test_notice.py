"""Every portal page shows the service notice in force, in its language, and the contact."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ventanilla.customers.services import customer_upsert_from_mail
from ventanilla.mail.models import MailboxNotice
from ventanilla.mail.services import mailbox_create
from ventanilla.tickets.portal_links import ticket_portal_token
from ventanilla.tickets.services import ticket_create_from_mail

pytestmark = pytest.mark.django_db

ES = "Esta semana migramos la herramienta de soporte."
EN = "We are migrating our support tool this week."


def _notice(mailbox, *, start_in=-timedelta(hours=1), end_in=timedelta(days=1), es=ES, en=EN):
    now = timezone.now()
    return MailboxNotice.objects.create(
        mailbox=mailbox, text_es=es, text_en=en, starts_at=now + start_in, ends_at=now + end_in
    )


def _rating_path(mailbox) -> str:
    customer = customer_upsert_from_mail(email="lucia@cliente.es", name="Lucía")
    ticket = ticket_create_from_mail(
        mailbox=mailbox,
        customer=customer,
        subject="Sin acceso",
        received_at=timezone.now(),
        language="es",
    )
    return reverse("portal:rate", kwargs={"token": ticket_portal_token(ticket), "rating": "good"})


def _client(language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize(("language", "shown", "hidden"), [("es", ES, EN), ("en", EN, ES)])
def test_pages_show_the_notice_in_their_language(mailbox, language, shown, hidden):
    _notice(mailbox)
    client = _client(language)
    for path in (reverse("portal:signin"), _rating_path(mailbox), "/p/t/not-a-token/"):
        page = client.get(path).content.decode()
        assert shown in page, path
        assert hidden not in page, path
        assert 'role="note"' in page


@pytest.mark.parametrize(
    ("start_in", "end_in"),
    [(timedelta(minutes=5), timedelta(days=1)), (-timedelta(days=1), -timedelta(seconds=1))],
)
def test_no_notice_outside_its_window(mailbox, start_in, end_in):
    _notice(mailbox, start_in=start_in, end_in=end_in)
    for path in (reverse("portal:signin"), _rating_path(mailbox)):
        page = _client("es").get(path).content.decode()
        assert ES not in page
        assert 'role="note"' not in page


def test_a_ticket_page_shows_its_own_mailboxs_notice(mailbox):
    billing = mailbox_create(
        name="Facturación",
        address="facturas@empresa.es",
        prefix="FAC",
        fallback_contact="cobros@empresa.es",
    )
    _notice(mailbox, es="Aviso de soporte.")
    _notice(billing, es="Aviso de facturación.")
    page = _client("es").get(_rating_path(billing)).content.decode()
    assert "Aviso de facturación." in page
    assert "Aviso de soporte." not in page
    assert "cobros@empresa.es" in page  # its fallback contact in the footer


def test_the_fallback_contact_is_on_every_page(mailbox):
    for path in (reverse("portal:signin"), _rating_path(mailbox), "/p/t/not-a-token/"):
        page = _client("es").get(path).content.decode()
        assert 'href="mailto:incidencias@empresa.es"' in page, path


def test_the_notice_is_escaped(mailbox):
    _notice(mailbox, es='<script>alert("x")</script> Migramos.')
    page = _client("es").get(reverse("portal:signin")).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
