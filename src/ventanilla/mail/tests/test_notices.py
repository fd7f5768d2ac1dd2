"""Service notices of a mailbox: which one is in force at a moment, and in which language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from ventanilla.mail.models import MailboxNotice
from ventanilla.mail.selectors import mailbox_notice_active
from ventanilla.mail.services import mailbox_create

pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")
START = datetime(2026, 12, 14, 8, 0, tzinfo=MADRID)  # 07:00 UTC (CET, UTC+1)
END = datetime(2026, 12, 18, 20, 0, tzinfo=MADRID)


def _notice(mailbox, start=START, end=END, es="Migramos la herramienta.", en="We are migrating."):
    return MailboxNotice.objects.create(
        mailbox=mailbox, text_es=es, text_en=en, starts_at=start, ends_at=end
    )


def _active(mailbox, at: datetime) -> bool:
    return mailbox_notice_active(mailbox=mailbox, at=at) is not None


def test_in_force_from_its_start_until_just_before_its_end(mailbox):
    notice = _notice(mailbox)
    second = timedelta(seconds=1)
    assert mailbox_notice_active(mailbox=mailbox, at=START - second) is None
    assert mailbox_notice_active(mailbox=mailbox, at=START) == notice
    assert mailbox_notice_active(mailbox=mailbox, at=END - second) == notice
    assert mailbox_notice_active(mailbox=mailbox, at=END) is None


def test_the_window_is_a_moment_whatever_the_zone_it_is_written_in(mailbox):
    # 08:00 in Madrid in December is 07:00 UTC; in July (CEST) 08:00 is 06:00 UTC.
    _notice(mailbox)
    assert not _active(mailbox, datetime(2026, 12, 14, 6, 59, tzinfo=UTC))
    assert _active(mailbox, datetime(2026, 12, 14, 7, 0, tzinfo=UTC))
    summer = datetime(2027, 7, 1, 8, 0, tzinfo=MADRID)
    _notice(mailbox, start=summer, end=summer + timedelta(days=1))
    assert not _active(mailbox, datetime(2027, 7, 1, 5, 59, tzinfo=UTC))
    assert _active(mailbox, datetime(2027, 7, 1, 6, 0, tzinfo=UTC))


def test_overlapping_notices_the_latest_started_wins(mailbox):
    _notice(mailbox, es="Primero")
    later = _notice(mailbox, start=START + timedelta(days=1), es="Segundo")
    at = START + timedelta(days=2)
    assert mailbox_notice_active(mailbox=mailbox, at=at) == later


def test_a_notice_belongs_to_its_mailbox_only(mailbox):
    other = mailbox_create(name="Facturación", address="facturas@empresa.es", prefix="FAC")
    _notice(other)
    assert mailbox_notice_active(mailbox=mailbox, at=START + timedelta(hours=1)) is None
    assert mailbox_notice_active(mailbox=other, at=START + timedelta(hours=1)) is not None


def test_text_in_the_language_asked_else_the_other(mailbox):
    notice = _notice(mailbox, es=" Migramos. ", en="We migrate.")
    assert notice.text_in("es") == "Migramos."
    assert notice.text_in("en") == "We migrate."
    assert notice.text_in("fr") == "Migramos."  # the default language's text
    only_es = _notice(mailbox, en="")
    assert only_es.text_in("en") == "Migramos la herramienta."


def test_the_database_refuses_an_end_before_the_start(mailbox):
    with pytest.raises(IntegrityError), transaction.atomic():
        _notice(mailbox, start=END, end=START)
