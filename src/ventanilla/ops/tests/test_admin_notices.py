"""An administrator publishes a service notice in the admin, in the company's time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from ventanilla.mail.models import MailboxNotice
from ventanilla.mail.selectors import mailbox_notice_active

pytestmark = pytest.mark.django_db

ES = "Esta semana migramos la herramienta de soporte."
EN = "We are migrating our support tool this week."


def _form(mailbox, *, start=("2026-12-14", "08:00:00"), end=("2026-12-18", "20:00:00")):
    return {
        "mailbox": mailbox.pk,
        "text_es": ES,
        "text_en": EN,
        "starts_at_0": start[0],
        "starts_at_1": start[1],
        "ends_at_0": end[0],
        "ends_at_1": end[1],
    }


def test_admin_publishes_a_notice(admin_client, admin_user, mailbox):
    response = admin_client.post(reverse("admin:mail_mailboxnotice_add"), _form(mailbox))
    assert response.status_code == 302, response.content.decode()[:3000]
    notice = MailboxNotice.objects.get()
    assert notice.created_by == admin_user
    assert (notice.text_es, notice.text_en) == (ES, EN)
    # Entered in Europe/Madrid (TIME_ZONE): 08:00 CET on 14 December is 07:00 UTC.
    assert notice.starts_at == datetime(2026, 12, 14, 7, 0, tzinfo=UTC)
    assert notice.ends_at == datetime(2026, 12, 18, 19, 0, tzinfo=UTC)
    assert mailbox_notice_active(mailbox=mailbox, at=datetime(2026, 12, 14, 7, 0, tzinfo=UTC))
    listing = admin_client.get(reverse("admin:mail_mailboxnotice_changelist"))
    assert listing.status_code == 200
    assert ES in listing.content.decode()


def test_admin_refuses_an_end_before_the_start(admin_client, mailbox):
    form = _form(mailbox, start=("2026-12-18", "08:00:00"), end=("2026-12-14", "08:00:00"))
    response = admin_client.post(reverse("admin:mail_mailboxnotice_add"), form)
    assert response.status_code == 200
    assert "El final debe ser posterior al inicio." in response.content.decode()
    assert not MailboxNotice.objects.exists()


def test_editing_keeps_who_published_it(admin_client, admin_user, django_user_model, mailbox):
    admin_client.post(reverse("admin:mail_mailboxnotice_add"), _form(mailbox))
    notice = MailboxNotice.objects.get()
    other = django_user_model.objects.create_superuser("otra", "otra@empresa.es", "secret-pass-123")
    admin_client.force_login(other)
    url = reverse("admin:mail_mailboxnotice_change", args=[notice.pk])
    response = admin_client.post(url, {**_form(mailbox), "text_en": "Migration this week."})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.text_en == "Migration this week."
    assert notice.created_by == admin_user


def test_the_change_page_renders(admin_client, mailbox):
    admin_client.post(reverse("admin:mail_mailboxnotice_add"), _form(mailbox))
    notice = MailboxNotice.objects.get()
    page = admin_client.get(reverse("admin:mail_mailboxnotice_change", args=[notice.pk]))
    assert page.status_code == 200
