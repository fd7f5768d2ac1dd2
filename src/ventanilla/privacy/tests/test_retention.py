"""Retention: a run removes exactly what its dry run printed, and nothing else."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.utils import timezone

from ventanilla.agents.audit_log import SensitiveAction, SensitiveKind
from ventanilla.customers.models import Customer
from ventanilla.mail.models import InboundMessage, OutboundMessage
from ventanilla.privacy.retention import months_before
from ventanilla.privacy.tests.conftest import JUAN, LOGO, LUCIA, PDF, mail
from ventanilla.tickets.lifecycle import ticket_close
from ventanilla.tickets.models import Attachment, Ticket

PEPE = "pepe.antiguo@viejo.es"


def _state() -> dict[str, set[int]]:
    """The rows retention could touch, as sets of ids still holding their data."""
    return {
        "mail-in": set(InboundMessage.objects.exclude(raw=b"").values_list("pk", flat=True)),
        "mail-out": set(OutboundMessage.objects.exclude(raw=b"").values_list("pk", flat=True)),
        "attachment": set(Attachment.objects.values_list("pk", flat=True)),
        "customer": set(Customer.objects.values_list("pk", flat=True)),
    }


def _run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("privacy", "retention", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue().splitlines()


@pytest.fixture
def aged(history, deliver, django_capture_on_commit_callbacks):
    """Lucía's first ticket closed 30 months ago; Pepe silent for 7 years; Juan recent."""
    lucia = history.lucia
    with django_capture_on_commit_callbacks(execute=True):
        ticket_close(ticket=lucia, actor=None)
    long_ago = timezone.now() - timedelta(days=30 * 31)
    Ticket.objects.filter(pk=lucia.pk).update(closed_at=long_ago, last_activity_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(mail(sender=PEPE, subject="Hola", body="Una consulta.", message_id="<p@v.es>"))
    seven_years = timezone.now() - timedelta(days=7 * 366)
    Customer.objects.filter(email=PEPE).update(created_at=seven_years)
    Ticket.objects.filter(customer__email=PEPE).update(last_activity_at=seven_years)
    return history


@pytest.mark.django_db(transaction=True)
def test_retention_removes_exactly_what_its_dry_run_printed(aged, settings):
    settings.VENTANILLA_RETENTION_MAIL_MONTHS = 24
    settings.VENTANILLA_RETENTION_CUSTOMER_YEARS = 6
    pepe = Customer.objects.get(email=PEPE).pk
    before = _state()

    printed = _run("--dry-run")
    assert _state() == before  # the dry run changes nothing
    removed = _run()

    assert removed == printed
    after = _state()
    listed: dict[str, set[int]] = {kind: set() for kind in before}
    for line in printed:
        kind, pk = line.split(":", 1)[0].split(" ")
        listed[kind].add(int(pk))
    for kind in before:
        # Exactly the printed rows left each set (new placeholder customers aside).
        assert before[kind] - after[kind] == listed[kind], kind
    assert listed["customer"] == {pepe}
    lucia_mail = set(InboundMessage.objects.filter(ticket=aged.lucia).values_list("pk", flat=True))
    assert lucia_mail <= listed["mail-in"]
    assert not InboundMessage.objects.filter(ticket=aged.lucia_second, raw=b"").exists()
    assert not InboundMessage.objects.filter(ticket=aged.juan, raw=b"").exists()
    # Her PDF is gone from the store; the logo stays, Juan's recent mail still carries it.
    assert not _stored(PDF)
    assert _stored(LOGO)
    assert Customer.objects.filter(email__in=[LUCIA, JUAN]).count() == 2
    assert SensitiveAction.objects.get(kind=SensitiveKind.RETENTION).data["customer"] == 1
    assert _run("--dry-run") == []  # nothing left to do


@pytest.mark.django_db(transaction=True)
def test_rules_set_to_zero_keep_everything(aged, settings):
    settings.VENTANILLA_RETENTION_MAIL_MONTHS = 0
    settings.VENTANILLA_RETENTION_CUSTOMER_YEARS = 0
    before = _state()
    assert _run() == []
    assert _state() == before
    assert not SensitiveAction.objects.filter(kind=SensitiveKind.RETENTION).exists()


def _stored(content: bytes) -> bool:
    digest = hashlib.sha256(content).hexdigest()
    return storages["blobs"].exists(f"{digest[:2]}/{digest[2:4]}/{digest}")


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 3, 31, 9, tzinfo=UTC), 1, datetime(2026, 2, 28, 9, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 24, datetime(2024, 1, 15, tzinfo=UTC)),
        (datetime(2024, 2, 29, tzinfo=UTC), 12, datetime(2023, 2, 28, tzinfo=UTC)),
        (datetime(2026, 12, 7, tzinfo=UTC), 13, datetime(2025, 11, 7, tzinfo=UTC)),
    ],
    ids=["month-end", "two-years", "leap-day", "across-year"],
)
def test_months_before(moment, months, expected):
    assert months_before(moment, months) == expected


@pytest.mark.django_db(transaction=True)
def test_the_daily_task_carries_out_the_plan(aged, settings):
    from ventanilla.privacy.tasks import privacy_retention

    settings.VENTANILLA_RETENTION_MAIL_MONTHS = 24
    settings.VENTANILLA_RETENTION_CUSTOMER_YEARS = 6
    planned = len(_run("--dry-run"))
    assert planned > 0
    assert privacy_retention.call_local() == planned
    assert _run("--dry-run") == []
